import { SEVERITIES, type Severity } from "../../shared/status.ts";
import type { IncidentEvent } from "./types.ts";

/**
 * What the digests of every channel share: one message for a route's events of one run (twenty
 * services down is one message listing them, not twenty), with a headline that counts them and
 * entries cut to fit the platform, richest first, then leaner, then "…and N more".
 */
type Kind = IncidentEvent["event"];

const DONE: Record<Kind, string> = {
  open: "opened",
  escalation: "escalated",
  reminder: "still unacknowledged",
  resolve: "resolved",
};

/** "P0 incident opened": what happened to one event, in the single messages' words. */
export function eventLabel(e: { event: string; severity: string }): string {
  return `${e.severity} incident ${DONE[e.event as Kind] ?? e.event}`;
}

/** "P0 opened": the same, short, for a digest's entries (its headline says they are incidents). */
export function shortLabel(e: { event: string; severity: string }): string {
  return `${e.severity} ${DONE[e.event as Kind] ?? e.event}`;
}

/** "20 incident updates: 18 opened, 2 resolved" */
export function digestHeadline(list: ReadonlyArray<{ event: string }>): string {
  const counts = (Object.keys(DONE) as Kind[])
    .map((k) => [list.filter((e) => e.event === k).length, DONE[k]] as const)
    .filter(([n]) => n > 0)
    .map(([n, done]) => `${n} ${done}`);
  return `${list.length} incident updates: ${counts.join(", ")}`;
}

export function worstSeverity(list: ReadonlyArray<{ severity: string }>): Severity {
  return SEVERITIES.find((s) => list.some((e) => e.severity === s)) ?? "P3";
}

/** Nothing but recoveries: the digest is good news (its colour, its icon). */
export function allResolved(list: ReadonlyArray<{ event: string }>): boolean {
  return list.every((e) => e.event === "resolve");
}

export function moreLine(hidden: number): string {
  return `…and ${hidden} more`;
}

/**
 * The richest message that fits: `build(tier, shown)` renders the first `shown` entries at `tier`
 * (0 richest) and, when some are left out, a last line `moreLine(count - shown)`. Every tier is
 * tried with all entries; if none fits, the leanest tier lists as many as fit.
 */
export function fitDigest<M>(
  count: number,
  tiers: number,
  build: (tier: number, shown: number) => M,
  fits: (message: M) => boolean,
): M {
  for (let tier = 0; tier < tiers; tier++) {
    const all = build(tier, count);
    if (fits(all)) return all;
  }
  const leanest = tiers - 1;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(build(leanest, mid))) lo = mid;
    else hi = mid - 1;
  }
  return build(leanest, lo);
}

/** A link target a message may carry as a link: http(s), no spaces or brackets that end it early. */
export function linkable(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s<>|()[\]]+$/.test(url) ? url : undefined;
}
