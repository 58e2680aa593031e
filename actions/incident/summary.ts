import { inlineMarkdown } from "../shared/text/inert.ts";
import type { IncidentStepResult } from "../shared/cycle/incidents.ts";

/**
 * The step's outcome as Markdown for the console and the job summary; bounded, always written.
 * Details and errors may quote a service or a notifier's answer: rendered inert.
 */
const MAX_LINES = 200;

export function incidentSummary(r: IncidentStepResult, scrub: (text: string) => string): string {
  const lines: string[] = ["### Incidents", ""];
  if (r.skipped) lines.push(`Skipped: ${r.skipped}`, "");
  const open = Object.values(r.latest.incidents).filter((i) => i.state === "open");
  lines.push(
    open.length
      ? `${open.length} open: ${open.map((i) => `${i.severity} ${i.subject}${i.number ? ` #${i.number}` : ""}`).join(", ")}`
      : "No open incidents.",
    "",
  );
  if (r.operations.length) {
    lines.push("| incident | operation | issue | detail |", "|---|---|---|---|");
    for (const o of r.operations)
      lines.push(`| ${o.key} | ${o.op} | ${o.issue ? `#${o.issue}` : ""} | ${inlineMarkdown(scrub(o.detail))} |`);
    lines.push("");
  }
  for (const n of r.notifications) {
    lines.push(
      `- notified ${n.event} for ${n.key}: ${n.deliveries.map((d) => `${d.route} ${d.ok ? "✅" : d.skipped ? "(not configured)" : `❌ ${inlineMarkdown(scrub(d.error ?? ""))}`}`).join(", ") || "no route"}`,
    );
  }
  if (r.errors.length)
    lines.push(
      "",
      "**Errors** (the next run finishes what was missed):",
      ...r.errors.map((e) => `- ${inlineMarkdown(scrub(e), { max: 1_000 })}`),
    );
  if (r.warnings.length)
    lines.push(
      "",
      "**Warnings** (not delivered; the run did not fail for these):",
      ...r.warnings.map((w) => `- ${inlineMarkdown(scrub(w), { max: 1_000 })}`),
    );
  const bounded =
    lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more lines`] : lines;
  return scrub(`${bounded.join("\n")}\n`);
}
