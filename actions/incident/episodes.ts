import { formatDuration } from "../shared/config/schema/units.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";

export type Episode = NonNullable<IncidentState["episodes"]>[number];

/**
 * The failure episodes of an incident. A reopened incident has several; its down time is their
 * sum, not the wall time since the first failure. A state stored before episodes were tracked has
 * one, from the failure's start to the recovery.
 */
export function episodesOf(state: IncidentState): Episode[] {
  if (state.episodes?.length) return state.episodes;
  const start = state.startedAt ?? state.openedAt;
  return [{ start, ...(state.recoveredAt && state.recoveredAt >= start && { end: state.recoveredAt }) }];
}

/** Ends the open episode at `end` (a recovery); a closed one stays as it is. */
export function endEpisode(episodes: readonly Episode[], end: string): Episode[] {
  const last = episodes[episodes.length - 1];
  if (!last || last.end !== undefined) return [...episodes];
  return [...episodes.slice(0, -1), { start: last.start, end }];
}

/** Starts a new episode at `start` unless one is still open (failing again after a recovery). */
export function startEpisode(episodes: readonly Episode[], start: string): Episode[] {
  const last = episodes[episodes.length - 1];
  if (last && last.end === undefined) return [...episodes];
  return [...episodes, { start }];
}

/**
 * "47 min" for one episode; "down 20 min in 2 episodes over 45 min" for several. An open episode
 * counts until `until`.
 */
export function describeDownTime(episodes: readonly Episode[], until: string): string {
  const ms = (e: Episode) => Math.max(0, Date.parse(e.end ?? until) - Date.parse(e.start));
  if (episodes.length <= 1) return formatDuration(episodes[0] ? ms(episodes[0]) : 0);
  const down = episodes.reduce((a, e) => a + ms(e), 0);
  const last = episodes[episodes.length - 1]!;
  const span = Math.max(0, Date.parse(last.end ?? until) - Date.parse(episodes[0]!.start));
  return `down ${formatDuration(down)} in ${episodes.length} episodes over ${formatDuration(span)}`;
}
