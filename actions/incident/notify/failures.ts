import type { Delivery } from "./types.ts";

/** Keys and reasons named in one warning before "and N more". */
const NAMED_KEYS = 10;
const NAMED_REASONS = 3;

/**
 * A run's failed deliveries as warnings: one per failed route, naming the incidents it failed for
 * and why ("service:a, service:b: notification hook failed: webhook (hook): answered 500"), not one
 * per event: twenty incidents behind one broken webhook are one warning. Routes in the order they
 * first failed; a route that is not configured at all (skipped) is no warning.
 */
export function failureWarnings(sent: ReadonlyArray<{ key: string; deliveries: readonly Delivery[] }>): string[] {
  const byRoute = new Map<string, { keys: string[]; reasons: string[] }>();
  for (const { key, deliveries } of sent) {
    for (const d of deliveries) {
      if (d.ok || d.skipped) continue;
      const f = byRoute.get(d.route) ?? { keys: [], reasons: [] };
      if (!f.keys.includes(key)) f.keys.push(key);
      const reason = d.error ?? "unknown";
      if (!f.reasons.includes(reason)) f.reasons.push(reason);
      byRoute.set(d.route, f);
    }
  }
  return [...byRoute].map(
    ([route, f]) =>
      `${named(f.keys, NAMED_KEYS, ", ")}: notification ${route} failed: ${named(f.reasons, NAMED_REASONS, "; ")}`,
  );
}

function named(items: string[], max: number, sep: string): string {
  return items.length <= max ? items.join(sep) : `${items.slice(0, max).join(sep)} and ${items.length - max} more`;
}
