/** What a service (or group) is, as shown everywhere: reports, incidents, latest.json. */
export const STATUSES = ["up", "degraded", "down", "unknown", "maintenance"] as const;
export type Status = (typeof STATUSES)[number];

/** How one metric compares with its thresholds (the runbooks' green / yellow / red). */
export const RATINGS = ["green", "yellow", "red"] as const;
export type Rating = (typeof RATINGS)[number];

export const SEVERITIES = ["P0", "P1", "P2", "P3"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUS_EMOJI: Record<Status, string> = {
  up: "✅",
  degraded: "⚠️",
  down: "❌",
  unknown: "❔",
  maintenance: "🔧",
};

/** Worst first, for sorting and for combining ratings. */
const RATING_ORDER: Record<Rating, number> = { green: 0, yellow: 1, red: 2 };
export function worstRating(ratings: Iterable<Rating>): Rating {
  let worst: Rating = "green";
  for (const r of ratings) if (RATING_ORDER[r] > RATING_ORDER[worst]) worst = r;
  return worst;
}
