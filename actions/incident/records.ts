import { join } from "node:path";
import { writeFileAtomic } from "../shared/store/files.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { renderIncident, stamp } from "./content.ts";
import type { Subject } from "./subjects.ts";
import type { IncidentTemplate } from "./template.ts";

/**
 * `incidents/YYYY-MM-DD-<service>-<slug>.md`: the incident report, written in the run that opens
 * the incident (or, if GitHub's create failed, in the run that creates or adopts the issue) and
 * rewritten until it closes — by the automation or by a human. It is the issue's body without the
 * hidden marker, read from the issue before every rewrite, so what humans wrote there (Root Cause,
 * Lessons Learned, Action Items, sections of their own) is kept in the record.
 */
export function recordPath(state: IncidentState, subject: Subject): string {
  const day = (state.startedAt ?? state.openedAt).slice(0, 10);
  // Named from what it opened on, even when first written later (a create that failed): never
  // from the status at the time of writing ("…-up.md").
  const status = state.opening?.status ?? state.status;
  const reason = state.opening?.reason ?? subject.reason;
  // The reason's first clause without addresses or ports ("down-connection-refused-by", but
  // "down-unexpected-status-503"), cut at a word boundary.
  const clause = (reason.split(/[;:(]/)[0] ?? "")
    .split(/\s+/)
    .filter((w) => !/\d[.:]\d|\d{4,}/.test(w))
    .join(" ");
  const words = slugify(`${status} ${clause}`);
  const slug = words.length <= 48 ? words : words.slice(0, 48).replace(/-[^-]*$/, "");
  return `incidents/${day}-${subject.id}-${slug}.md`;
}

export function renderRecord(
  t: IncidentTemplate,
  state: IncidentState,
  subject: Subject,
  issueBody: string | undefined,
): string {
  // The marker is the body's first line (content.ts); nothing else in the body can be one.
  const body = renderIncident(t, state, subject, issueBody).body.replace(/^<!-- hotdash-ops:incident [^\n]* -->\n/, "");
  const link = state.number && state.number > 0 ? `<!-- GitHub issue #${state.number}: ${state.url ?? ""} -->\n` : "";
  return `${link}${body.trimEnd()}\n${publicUpdatesSection(state.updates)}`;
}

/**
 * "## Public updates": the `/status` comments published for this incident, one line each, so the
 * record (and a site built from records alone) keeps them after latest.json has moved on. The text
 * comes from a comment: on one line, with table pipes, backslashes and "<" escaped.
 */
export function publicUpdatesSection(updates: IncidentState["updates"]): string {
  if (!updates?.length) return "";
  const lines = updates.map(
    (u) =>
      `- **${stamp(u.at)} · ${u.phase[0]!.toUpperCase()}${u.phase.slice(1)}** (@${u.author}): ${escapeLine(u.text)}`,
  );
  return `\n## Public updates\n\n${lines.join("\n")}\n`;
}

function escapeLine(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/\s*[\r\n]+\s*/g, " ")
    .trim();
}

/** Written to a temporary file and renamed, so a crash never leaves half a record. */
export async function writeRecord(dataDir: string, relPath: string, content: string): Promise<void> {
  await writeFileAtomic(join(dataDir, relPath), content);
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
