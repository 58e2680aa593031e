import { markdownTable } from "markdown-table";
import { formatDuration } from "../shared/config/schema/units.ts";
import type { Latest } from "../shared/store/latest-schema.ts";
import { STATUS_EMOJI } from "../shared/status.ts";
import { inlineMarkdown } from "../shared/text/inert.ts";
import { displayWidth } from "../shared/text/width.ts";

/** Terminal colours for the status cell (only when printing to a terminal: never in Markdown). */
const COLOUR: Record<string, string> = { up: "32", degraded: "33", down: "31", unknown: "90", maintenance: "36" };

/**
 * The fleet as a readable table: what `ops run` / `ops probe` print and the job summary shows.
 * Reasons are a service's words: rendered inert. Columns line up by display width (an emoji is two
 * columns wide), and `colour` paints the status for a terminal.
 */
export function fleetTable(latest: Latest, options: { colour?: boolean } = {}): string {
  const paint = (status: string, text: string) =>
    options.colour ? `\u001b[${COLOUR[status] ?? "0"}m${text}\u001b[0m` : text;
  const rows = Object.values(latest.services).map((s) => [
    s.name,
    paint(s.status, `${STATUS_EMOJI[s.status]} ${s.status}`),
    s.metrics.count ? `${round(s.metrics.successRate)} % (${s.metrics.okCount}/${s.metrics.count})` : "–",
    s.metrics.p95 !== undefined ? formatDuration(s.metrics.p95) : "–",
    s.metrics.value !== undefined ? String(round(s.metrics.value)) : "",
    s.metrics.attempts > 1 ? String(s.metrics.attempts) : "",
    inlineMarkdown(s.reason),
  ]);
  const groups = Object.values(latest.groups).map((g) => [
    `${g.name} (group)`,
    paint(g.status, `${STATUS_EMOJI[g.status]} ${g.status}`),
    `${g.operational}/${g.total} operational`,
    "",
    "",
    "",
    inlineMarkdown(g.reason),
  ]);
  return markdownTable([["Service", "Status", "Success", "p95", "Value", "Tries", "Reason"], ...rows, ...groups], {
    align: ["l", "l", "r", "r", "r", "r", "l"],
    stringLength: displayWidth,
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
