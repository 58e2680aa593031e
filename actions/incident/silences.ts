import type { SilenceConfig } from "../shared/config/schema/incidents.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import type { CommandState } from "./chatops/read.ts";

/**
 * Silences: an incident's notifications (open, escalation, reminder) are held while one is in
 * force; its issue, comments and record go on as usual. Two sources: a writer's `/silence 2h
 * reason` on the incident's issue, and `silences:` in the config (by service or group id, until a
 * time). Both end by themselves. A resolve is always sent: the page it closes may predate the
 * silence, and an unresolved page is worse than a redundant resolve.
 */
export interface ActiveSilence {
  until: string;
  reason: string;
  /** Who: the commenter, or "config". */
  by: string;
}

/** The silence in force for this subject at `now`, the one lasting longest when several are. */
export function silenceFor(
  subjectId: string,
  issue: CommandState["silenced"] | undefined,
  config: readonly SilenceConfig[],
  now: Date,
): ActiveSilence | undefined {
  const t = now.getTime();
  const all: ActiveSilence[] = config
    .filter(
      (s) =>
        s.services.includes(subjectId) && Date.parse(s.until) > t && (s.from === undefined || Date.parse(s.from) <= t),
    )
    .map((s) => ({ until: new Date(s.until).toISOString(), reason: s.reason, by: "config" }));
  if (issue && Date.parse(issue.until) > t) all.push({ until: issue.until, reason: issue.reason, by: issue.by });
  return all.sort((a, b) => Date.parse(b.until) - Date.parse(a.until))[0];
}

/** The config's silences in force at `now` and the issues' (kept in the incidents' state), for STATUS.md. */
export function activeSilences(
  config: readonly SilenceConfig[],
  incidents: readonly IncidentState[],
  now: number,
): Array<ActiveSilence & { what: string; issue?: number }> {
  const out: Array<ActiveSilence & { what: string; issue?: number }> = [];
  for (const s of config) {
    if (Date.parse(s.until) <= now || (s.from !== undefined && Date.parse(s.from) > now)) continue;
    out.push({ what: s.services.join(", "), until: new Date(s.until).toISOString(), reason: s.reason, by: "config" });
  }
  for (const i of incidents) {
    if (i.state !== "open" || !i.silence || Date.parse(i.silence.until) <= now) continue;
    out.push({ what: i.subject, ...(i.number && { issue: i.number }), ...i.silence });
  }
  return out.sort((a, b) => a.until.localeCompare(b.until) || a.what.localeCompare(b.what));
}
