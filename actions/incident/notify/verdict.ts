import type { Delivery } from "./types.ts";

/**
 * Does a failed notification fail the run? No (decided here, wired by the pipeline): the incident
 * issue — the record of truth, which GitHub itself notifies watchers of — and the stored results
 * are done; failing the job for a webhook would turn the schedule red for something the run cannot
 * fix and page nobody more. A failed delivery is a warning instead: listed in the job summary, shown
 * as a `::warning::` annotation, and in `ops run --json`. Every other error still fails the run.
 *
 * `errors` are the incident step's errors; the failed deliveries in `notifications` are moved out
 * of them into `warnings` (run.ts words them "<key>: notification <route> failed: <why>").
 */
export interface NotifiedEvent {
  key: string;
  deliveries: Delivery[];
}

export function notificationVerdict(result: { errors: readonly string[]; notifications: readonly NotifiedEvent[] }): { errors: string[]; warnings: string[] } {
  const failed = new Set(
    result.notifications.flatMap((n) => n.deliveries.filter((d) => !d.ok && !d.skipped).map((d) => `${n.key}: notification ${d.route} failed: ${d.error ?? "unknown"}`)),
  );
  return {
    errors: result.errors.filter((e) => !failed.has(e)),
    warnings: result.errors.filter((e) => failed.has(e)),
  };
}
