import { join } from "node:path";
import { writeFileAtomic } from "../shared/store/files.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { renderIncident } from "./content.ts";
import type { Subject } from "./subjects.ts";
import type { IncidentTemplate } from "./template.ts";

/**
 * `incidents/YYYY-MM-DD-<service>-<slug>.md`: the incident report, written when an incident opens
 * and rewritten until it closes. It is the issue's body without the hidden marker, so the sections
 * humans wrote in the issue (Root Cause, Lessons Learned, Action Items) are kept in the record.
 */
export function recordPath(state: IncidentState, subject: Subject): string {
  const day = (state.startedAt ?? state.openedAt).slice(0, 10);
  // The reason's first clause without addresses or ports ("down-connection-refused-by", but
  // "down-unexpected-status-503"), cut at a word boundary.
  const clause = (subject.reason.split(/[;:(]/)[0] ?? "").split(/\s+/).filter((w) => !/\d[.:]\d|\d{4,}/.test(w)).join(" ");
  const words = slugify(`${state.status} ${clause}`);
  const slug = words.length <= 48 ? words : words.slice(0, 48).replace(/-[^-]*$/, "");
  return `incidents/${day}-${subject.id}-${slug}.md`;
}

export function renderRecord(t: IncidentTemplate, state: IncidentState, subject: Subject, issueBody: string | undefined): string {
  // The marker is the body's first line (content.ts); nothing else in the body can be one.
  const body = renderIncident(t, state, subject, issueBody).body.replace(/^<!-- hotdash-ops:incident [^\n]* -->\n/, "");
  const link = state.number && state.number > 0 ? `<!-- GitHub issue #${state.number}: ${state.url ?? ""} -->\n` : "";
  return `${link}${body.trimEnd()}\n`;
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
