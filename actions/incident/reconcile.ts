import type { Issue } from "../shared/github/types.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { SEVERITIES, type Severity } from "../shared/status.ts";
import { issueMarker } from "./content.ts";

/**
 * When latest.json and GitHub disagree, the open issues win: an open issue carrying our marker is
 * the incident (a lost state is rebuilt from it), an issue closed by a human stays closed, and an
 * issue deleted by hand is forgotten (the lifecycle opens a new one only if still failing).
 */
export interface Fetched {
  /** null: the issue no longer exists (deleted, or 404). */
  issue: Issue | null;
  /** Our own "resolved" comment is on it: the automation closed it and the state was not saved. */
  closedByUs: boolean;
}

export interface Reconciled {
  incidents: Record<string, IncidentState>;
  /** Open issues with the same key: all but the lowest number are duplicates to close. */
  duplicates: Array<{ key: string; keep: number; close: number }>;
  notes: string[];
}

/** Open issues by incident key, lowest number first (our own issues only: marker on the first line, labels agreeing). */
export function openByKey(open: Issue[]): Map<string, Issue[]> {
  const map = new Map<string, Issue[]>();
  for (const issue of [...open].sort((a, b) => a.number - b.number)) {
    const marker = issueMarker(issue);
    if (!marker) continue;
    map.set(marker.key, [...(map.get(marker.key) ?? []), issue]);
  }
  return map;
}

/** Numbers the state thinks are open that the listing did not show; the tracker fetches them. */
export function missingNumbers(incidents: Record<string, IncidentState>, open: Map<string, Issue[]>): number[] {
  return Object.values(incidents)
    .filter((i) => i.state === "open" && i.number !== undefined && i.number > 0)
    .filter((i) => !(open.get(i.key) ?? []).some((x) => x.number === i.number))
    .map((i) => i.number!);
}

export function reconcile(
  incidents: Record<string, IncidentState>,
  open: Map<string, Issue[]>,
  fetched: Map<number, Fetched>,
  /** Keys whose subject is up in this run. */
  upKeys: ReadonlySet<string> = new Set(),
): Reconciled {
  const out: Record<string, IncidentState> = { ...incidents };
  const duplicates: Reconciled["duplicates"] = [];
  const notes: string[] = [];

  for (const [key, issues] of open) {
    const [keep, ...rest] = issues;
    for (const d of rest) duplicates.push({ key, keep: keep!.number, close: d.number });
    const current = out[key];
    if (current && current.state === "open" && current.number === keep!.number) continue;
    if (
      current &&
      current.state === "open" &&
      current.number === undefined &&
      current.openedAt === issueMarker(keep!)?.openedAt
    ) {
      // Our create went through but its answer was lost.
      out[key] = { ...current, number: keep!.number, url: keep!.url };
      continue;
    }
    if (current && current.number === keep!.number) {
      // Reopened on GitHub. While the service is fine, that is a human's discussion: leave it be.
      if (upKeys.has(key)) continue;
      out[key] = { ...current, state: "open", closedAt: undefined, closedBy: undefined, awaitingRecovery: undefined };
      notes.push(`${key}: #${keep!.number} was reopened on GitHub; tracking it again`);
      continue;
    }
    out[key] = adopt(key, keep!, current);
    notes.push(
      `${key}: adopted open issue #${keep!.number} (state had ${current ? `#${current.number ?? "none"} ${current.state}` : "nothing"})`,
    );
  }

  for (const [key, state] of Object.entries(out)) {
    if (state.state !== "open" || state.number === undefined) continue;
    const f = fetched.get(state.number);
    if (!f) continue;
    if (f.issue === null) {
      out[key] = {
        ...state,
        number: undefined,
        url: undefined,
        state: "closed",
        closedBy: "human",
        closedAt: undefined,
        awaitingRecovery: false,
      };
      notes.push(`${key}: issue #${state.number} was deleted; a new one opens only if still failing`);
    } else if (f.issue.state === "closed") {
      if (f.closedByUs && upKeys.has(key)) {
        // Our close went through but the run ended before recording it: the lifecycle plans the
        // close again and the tracker finishes only what is missing (record, notification).
        notes.push(`${key}: #${state.number} is already closed by the automation; finishing the close`);
      } else if (f.closedByUs) {
        out[key] = { ...state, state: "closed", closedBy: "automation", closedAt: f.issue.closedAt ?? state.closedAt };
      } else {
        out[key] = {
          ...state,
          state: "closed",
          closedBy: "human",
          closedAt: f.issue.closedAt ?? undefined,
          awaitingRecovery: true,
        };
        notes.push(`${key}: #${state.number} was closed by hand; respected until the service recovers and fails again`);
      }
    }
  }
  return { incidents: out, duplicates, notes };
}

function adopt(key: string, issue: Issue, previous: IncidentState | undefined): IncidentState {
  const marker = issueMarker(issue)!;
  const severity: Severity = SEVERITIES.includes(marker.severity as Severity) ? (marker.severity as Severity) : "P2";
  const [kind, ...rest] = key.split(":");
  return {
    key,
    kind: kind === "group" || kind === "budget" || kind === "blind" || kind === "monitor" ? kind : "service",
    subject: rest.join(":"),
    number: issue.number,
    url: issue.url,
    state: "open",
    severity,
    status: previous?.status ?? "down",
    openedAt: marker.openedAt,
    startedAt: marker.startedAt ?? marker.openedAt,
    escalationLevel: 1,
    goodRuns: 0,
    // The issue exists, so its opening was announced by whichever run created it.
    notified: [`open-${marker.openedAt}`],
    timeline:
      previous?.openedAt === marker.openedAt
        ? previous.timeline
        : [{ at: marker.openedAt, text: `Incident opened (${severity})` }],
    evidence: previous?.evidence ?? {},
    record: previous?.openedAt === marker.openedAt ? previous.record : undefined,
  };
}
