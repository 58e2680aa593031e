import { markdownTable } from "markdown-table";
import { formatDuration } from "../shared/config/schema/units.ts";
import type { Latest } from "../shared/store/latest-schema.ts";
import { STATUS_EMOJI } from "../shared/status.ts";
import { inlineMarkdown } from "../shared/text/inert.ts";

/**
 * The fleet as a readable table: what `ops run` / `ops probe` print and the job summary shows.
 * Reasons are a service's words: rendered inert.
 */
export function fleetTable(latest: Latest): string {
  const rows = Object.values(latest.services).map((s) => [
    s.name,
    `${STATUS_EMOJI[s.status]} ${s.status}`,
    s.metrics.count ? `${round(s.metrics.successRate)} % (${s.metrics.okCount}/${s.metrics.count})` : "–",
    s.metrics.p95 !== undefined ? formatDuration(s.metrics.p95) : "–",
    s.metrics.value !== undefined ? String(round(s.metrics.value)) : "",
    s.metrics.attempts > 1 ? String(s.metrics.attempts) : "",
    inlineMarkdown(s.reason),
  ]);
  const groups = Object.values(latest.groups).map((g) => [
    `${g.name} (group)`,
    `${STATUS_EMOJI[g.status]} ${g.status}`,
    `${g.operational}/${g.total} operational`,
    "",
    "",
    "",
    inlineMarkdown(g.reason),
  ]);
  return markdownTable([["Service", "Status", "Success", "p95", "Value", "Tries", "Reason"], ...rows, ...groups], {
    align: ["l", "l", "r", "r", "r", "r", "l"],
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
