/**
 * The job summary: the run's reports in one Markdown text, always under GitHub's 1 MiB limit for
 * a step summary. Cut at a line boundary (never inside a UTF-8 sequence) with a note saying so.
 */
export const SUMMARY_LIMIT_BYTES = 1_048_576;
const MARGIN = 4_096;

export function boundMarkdown(text: string, limitBytes = SUMMARY_LIMIT_BYTES - MARGIN): string {
  if (Buffer.byteLength(text) <= limitBytes) return text;
  const note =
    "\n\n_…cut here to stay within GitHub's 1 MiB job-summary limit; the full reports are in the repository._\n";
  const budget = limitBytes - Buffer.byteLength(note);
  const lines = text.split("\n");
  const kept: string[] = [];
  let used = 0;
  let inFence = false;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (used + size > budget) break;
    kept.push(line);
    used += size;
    if (line.startsWith("```")) inFence = !inFence;
  }
  // An unclosed code fence would swallow the note.
  if (inFence) kept.push("```");
  return kept.join("\n") + note;
}

export interface SummaryPart {
  title: string;
  markdown: string;
}

export function buildSummary(parts: SummaryPart[], written: string[]): string {
  const sections = parts.map((p) => `<!-- ${p.title} -->\n${p.markdown.trim()}\n`);
  const files = written.length ? `\n**Written:** ${written.map((f) => `\`${f}\``).join(", ")}\n` : "";
  return boundMarkdown(sections.join("\n---\n\n") + files);
}
