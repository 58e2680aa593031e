import { formatDuration } from "../config/schema/units.ts";
import type { MetricName } from "../store/latest-schema.ts";
import type { Rating } from "../status.ts";
import type { MetricRating } from "./rate.ts";

export interface SustainedRating extends MetricRating {
  /** The rating that counts now: the raw rating once the breach has lasted `sustainMs`, else green. */
  effective: Rating;
  /** Set while a breach is younger than its `for:`. */
  pending?: string;
}

/**
 * Applies `for:` across runs, from timestamps (never run counts): a breach counts once it has lasted
 * its sustain time since it began. Returns the breach start times to store for the next run.
 */
export function applySustain(
  ratings: MetricRating[],
  previousBreaches: Partial<Record<MetricName, string>>,
  now: Date,
): { ratings: SustainedRating[]; breaches: Partial<Record<MetricName, string>> } {
  const breaches: Partial<Record<MetricName, string>> = {};
  const out = ratings.map((r): SustainedRating => {
    if (r.rating === "green") return { ...r, effective: "green" };
    const since = previousBreaches[r.metric] ?? now.toISOString();
    breaches[r.metric] = since;
    const lasted = now.getTime() - new Date(since).getTime();
    if (lasted >= r.sustainMs) return { ...r, effective: r.rating };
    return {
      ...r,
      effective: "green",
      pending: `${r.text} for ${formatDuration(lasted)} of ${formatDuration(r.sustainMs)}`,
    };
  });
  return { ratings: out, breaches };
}
