import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
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
  // The reason's first clause, cut at a word boundary: "down-connection-refused-by-…", not "…-succe".
  const words = slugify(`${state.status} ${subject.reason.split(/[;:(]/)[0] ?? ""}`);
  const slug = words.length <= 48 ? words : words.slice(0, 48).replace(/-[^-]*$/, "");
  return `incidents/${day}-${subject.id}-${slug}.md`;
}

export function renderRecord(t: IncidentTemplate, state: IncidentState, subject: Subject, issueBody: string | undefined): string {
  const body = renderIncident(t, state, subject, issueBody).body.replace(/\n?<!-- hotdash-ops:incident .*? -->\n?/, "\n");
  const link = state.number && state.number > 0 ? `<!-- GitHub issue #${state.number}: ${state.url ?? ""} -->\n` : "";
  return `${link}${body.trimEnd()}\n`;
}

/** Written to a temporary file and renamed, so a crash never leaves half a record. */
export async function writeRecord(dataDir: string, relPath: string, content: string): Promise<void> {
  const file = join(dataDir, relPath);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
