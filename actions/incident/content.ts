import type { IncidentsConfig } from "../shared/config/schema/incidents.ts";
import { formatDuration } from "../shared/config/schema/units.ts";
import type { Issue } from "../shared/github/types.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { describeDownTime, episodesOf } from "./episodes.ts";
import { inlineMarkdown } from "../shared/text/inert.ts";
import type { Subject } from "./subjects.ts";
import { readSections, render, type IncidentTemplate } from "./template.ts";

/**
 * What an incident looks like on GitHub and in `incidents/`: the template filled from the state.
 * Sections the automation does not own keep whatever a human wrote in the issue; a human may also
 * take over "Resolution" by replacing the automation's text.
 *
 * Evidence and timeline texts carry what a service said (a reason is an error message or an echoed
 * body): they go through `inlineMarkdown`, so nothing there can mention, link, embed, open an HTML
 * comment or forge the marker. The marker is the body's first line and is read from there only.
 */
const AUTO_MARK = "_(filled in by the monitoring; replace this text to write your own)_";

export interface Rendered {
  title: string;
  body: string;
  labels: string[];
}

export function renderIncident(
  t: IncidentTemplate,
  state: IncidentState,
  subject: Subject,
  currentBody?: string,
): Rendered {
  const current = currentBody ? readSections(currentBody) : {};
  const start = state.startedAt ?? state.openedAt;
  const end = state.state === "closed" ? (state.recoveredAt ?? state.closedAt) : undefined;
  // A reopened incident reports the time it was down ("down 20 min in 2 episodes over 45 min").
  const episodes = episodesOf(state);
  const took =
    episodes.length > 1 && end
      ? describeDownTime(episodes, end)
      : end
        ? formatDuration(Date.parse(end) - Date.parse(start))
        : "";
  const duration = end ? `${stamp(start)} to ${stamp(end)} (${took})` : `${stamp(start)} to ongoing`;
  const kind = subject.kind === "group" ? "group" : "service";
  const latest = inlineMarkdown(String(state.evidence.latest ?? subject.evidence), { max: EVIDENCE_MAX });
  const failing = inlineMarkdown(String(state.evidence.failing ?? state.evidence.latest ?? subject.evidence), {
    max: EVIDENCE_MAX,
  });
  const worst = String(state.evidence.worst ?? state.status);
  const resolution =
    state.state === "closed" && state.closedBy === "automation"
      ? `${AUTO_MARK}\nRecovered: ${state.goodRuns} consecutive good runs from ${stamp(state.recoveredAt ?? state.closedAt!)}. ${latest}`
      : state.state === "closed" && state.closedBy === "human"
        ? `${AUTO_MARK}\nClosed by hand${state.closedAt ? ` at ${stamp(state.closedAt)}` : ""}${state.awaitingRecovery ? ", while the monitoring still saw it failing" : ""}.`
        : `${AUTO_MARK}\nOngoing.`;
  const sections: Record<string, string> = {
    ...current,
    Timeline: state.timeline
      .map((e) => `- ${stamp(e.at)}: ${inlineMarkdown(e.text, { max: EVIDENCE_MAX })}`)
      .join("\n"),
  };
  const humanResolution =
    current.Resolution !== undefined &&
    !current.Resolution.startsWith(AUTO_MARK) &&
    !t.sections.some((s) => s.name === "Resolution" && s.placeholder === current.Resolution);
  if (!humanResolution) sections.Resolution = resolution;
  // Sections people added that the template does not have are kept, after the template's.
  const extra = Object.entries(current).filter(([name]) => !t.sections.some((x) => x.name === name));
  const { title, body } = render(t, {
    brief: `${subject.name} (${subject.environment}) ${worst}`,
    extra,
    fields: {
      Date: stamp(state.openedAt),
      Severity: `${state.severity} (${subject.criticality} ${kind}, ${worst})`,
      Duration: duration,
      Impact: `${subject.name} (${subject.environment}) ${worst}. ${failing}`,
    },
    sections,
  });
  return { title, body: `${markerFor(state)}\n${body}`, labels: labelsFor(state, subject, t) };
}

/** A timeline line or an evidence text: the reason (≤ 300 characters) and the figures around it. */
export const EVIDENCE_MAX = 600;

export function labelsFor(
  state: IncidentState,
  subject: Subject,
  t: IncidentTemplate,
  config?: IncidentsConfig,
): string[] {
  const base = config?.labels ?? t.labels;
  const extra = { budget: ["error-budget"], blind: ["monitoring-blind"], monitor: ["monitoring-gap"] } as Record<
    string,
    string[]
  >;
  const budget = extra[subject.kind] ?? [];
  return [
    ...new Set([
      ...base,
      ...budget,
      `severity:${state.severity}`,
      `${subject.kind}:${subject.id}`,
      `env:${subject.environment}`,
    ]),
  ];
}

/** Labels the automation manages (replaced on sync); any other label a human added is kept. */
export function isManagedLabel(label: string): boolean {
  return /^(severity|service|group|env):/.test(label);
}

const MARKER_LINE = /^<!-- hotdash-ops:incident (\{[^\n]*\}) -->\r?$/;

export interface IncidentMarker {
  key: string;
  openedAt: string;
  startedAt?: string;
  severity?: string;
}

export function markerFor(state: IncidentState): string {
  const m: IncidentMarker = {
    key: state.key,
    openedAt: state.openedAt,
    startedAt: state.startedAt,
    severity: state.severity,
  };
  return `<!-- hotdash-ops:incident ${JSON.stringify(m)} -->`;
}

/**
 * The marker of a body the automation wrote: its first line, whole. A marker anywhere else (quoted
 * in a reason, pasted by a human) is not one. Issues written before the marker moved to the top
 * carry it as the body's last line, which is read too.
 */
export function readMarker(body: string): IncidentMarker | undefined {
  const lines = body.replace(/\s+$/, "").split("\n");
  const m = MARKER_LINE.exec(lines[0] ?? "") ?? (lines.length > 1 ? MARKER_LINE.exec(lines.at(-1)!) : null);
  if (!m) return undefined;
  try {
    const parsed = JSON.parse(m[1]!) as Partial<IncidentMarker>;
    return typeof parsed.key === "string" && typeof parsed.openedAt === "string"
      ? (parsed as IncidentMarker)
      : undefined;
  } catch (error) {
    // A human edited the marker into something else: the issue is simply not ours any more.
    void error;
    return undefined;
  }
}

/**
 * The marker of one of our incident issues: read from its body's first line, and only when the
 * issue's labels agree (`service:<id>` / `group:<id>` / `budget:<id>` equal to the marker's key),
 * so a body that claims another subject's key cannot stand in for that subject's issue.
 */
export function issueMarker(issue: Pick<Issue, "body" | "labels">): IncidentMarker | undefined {
  const marker = readMarker(issue.body);
  if (!marker) return undefined;
  const subjects = issue.labels.filter(isSubjectLabel);
  return subjects.length === 1 && subjects[0] === marker.key ? marker : undefined;
}

function isSubjectLabel(label: string): boolean {
  return /^(service|group|budget|blind|monitor):/.test(label);
}

export function commentMarker(key: string, id: string): string {
  return `<!-- hotdash-ops:event ${JSON.stringify({ key, id })} -->`;
}

export function stamp(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
