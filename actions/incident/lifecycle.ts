import type { IncidentsConfig } from "../shared/config/schema/incidents.ts";
import { formatDuration } from "../shared/config/schema/units.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { inlineMarkdown } from "../shared/text/inert.ts";
import { stamp } from "./content.ts";
import { describeDownTime, endEpisode, episodesOf, startEpisode } from "./episodes.ts";
import { severityFor, worse } from "./severity.ts";
import type { Subject } from "./subjects.ts";

/**
 * Deciding, apart from doing: from the incidents' state, this run's subjects and the clock, what
 * should happen to each incident. Pure; the tracker carries the steps out idempotently (every
 * comment has a stable id, so a step repeated after a crash is found and not posted twice).
 */
export type Step =
  | { do: "ensure-issue" }
  | { do: "reopen" }
  | { do: "comment"; id: string; text: string }
  | { do: "sync-issue" }
  | { do: "assign"; logins: string[] }
  | { do: "close" }
  | { do: "record" }
  /** `id` is remembered in the incident's `notified`, so each event is sent once. */
  | { do: "notify"; event: "open" | "escalation" | "resolve"; id: string };

export interface Plan {
  key: string;
  subject: Subject;
  next: IncidentState;
  steps: Step[];
}

/**
 * `runAt` identifies the run whose evaluation the subjects come from (latest.json's `updatedAt`);
 * it defaults to `now`, which is the run's time in `ops run`. An incident already decided for this
 * run time gets only the steps an earlier attempt left unfinished: no counter
 * moves, no comment, no notification, no close. Time rules (escalation, reminders, closing) read `now`.
 */
export function decide(
  subjects: Subject[],
  incidents: Record<string, IncidentState>,
  config: IncidentsConfig,
  now: Date,
  runAt: Date = now,
): Plan[] {
  const plans: Plan[] = [];
  for (const subject of subjects) {
    const plan = decideOne(subject, incidents[subject.key], config, now, runAt);
    if (plan) plans.push(plan);
  }
  return plans;
}

export function isFailing(s: Subject, config: IncidentsConfig, now: Date): boolean {
  if (s.maintenance) return false;
  // A burn-rate alert already looked across hours of history: it needs no further confirmation.
  if (s.kind === "budget" || s.kind === "blind" || s.kind === "monitor") return s.status === "down";
  if (s.status === "down") return (s.consecutiveFailures ?? config.openAfter) >= config.openAfter;
  if (s.status === "degraded") return now.getTime() - Date.parse(s.since) >= config.degradedAfter;
  return false;
}

function decideOne(
  s: Subject,
  prev: IncidentState | undefined,
  config: IncidentsConfig,
  now: Date,
  runAt: Date,
): Plan | undefined {
  const p = decideSteps(s, prev, config, now, runAt);
  if (
    prev?.state === "closed" &&
    prev.closedBy === "human" &&
    prev.number !== undefined &&
    !prev.recordFinal &&
    !(p?.next.state === "open")
  ) {
    // A human closed the issue: the record is finalised from it (duration, resolution, their sections), once.
    const base = p ?? { key: s.key, subject: s, next: { ...prev, lastRunAt: runAt.toISOString() }, steps: [] };
    return {
      ...base,
      next: { ...base.next, recordFinal: true },
      steps: [...base.steps.filter((x) => x.do !== "record"), { do: "record" }],
    };
  }
  if (p && p.next.state === "open" && p.next.record === undefined && !p.steps.some((x) => x.do === "record")) {
    // Opened in a run whose create failed: the run that creates or adopts the issue writes the record.
    const i = p.steps.findIndex((x) => x.do === "ensure-issue");
    return { ...p, steps: [...p.steps.slice(0, i + 1), { do: "record" }, ...p.steps.slice(i + 1)] };
  }
  return p;
}

function decideSteps(
  s: Subject,
  prev: IncidentState | undefined,
  config: IncidentsConfig,
  now: Date,
  runAt: Date,
): Plan | undefined {
  const at = now.toISOString();
  const run = runAt.toISOString();
  const failing = isFailing(s, config, now);
  const plan = (next: IncidentState, steps: Step[]): Plan => ({
    key: s.key,
    subject: s,
    next: { ...next, lastRunAt: run },
    steps,
  });

  if (prev?.lastRunAt !== undefined && runAt.getTime() === Date.parse(prev.lastRunAt)) {
    // This run was decided already. Only what an interrupted attempt left undone is finished.
    if (prev.state !== "open") return undefined;
    const unfinished: Step[] = [];
    if (prev.number === undefined) unfinished.push({ do: "ensure-issue" });
    if (prev.record === undefined) unfinished.push({ do: "record" });
    if (!prev.notified.includes(`open-${prev.openedAt}`))
      unfinished.push({ do: "notify", event: "open", id: `open-${prev.openedAt}` });
    return unfinished.length ? { key: s.key, subject: s, next: prev, steps: unfinished } : undefined;
  }

  if (!prev || prev.state === "closed") {
    if (!failing) {
      // A human closed it while failing; the service has now recovered, so a new failure may reopen.
      if (prev?.awaitingRecovery && s.status === "up")
        return plan({ ...prev, awaitingRecovery: false, recoveredAt: at }, []);
      return undefined;
    }
    if (prev?.awaitingRecovery) return undefined;
    const severity = s.severity ?? severityFor(s.criticality, s.status)!;
    const lastGood = Math.max(Date.parse(prev?.closedAt ?? "") || 0, Date.parse(prev?.recoveredAt ?? "") || 0);
    if (prev?.number !== undefined && now.getTime() - lastGood <= config.flapWindow) {
      const text = `Failing again ${formatDuration(now.getTime() - lastGood)} after it was closed: ${s.status}. ${s.evidence}`;
      const episodes = startEpisode(endEpisode(episodesOf(prev), prev.recoveredAt ?? prev.closedAt ?? at), s.since);
      const next = addTimeline(
        { ...prev, state: "open", status: s.status, severity: worse(prev.severity, severity), goodRuns: 0, episodes },
        at,
        text,
      );
      next.closedAt = undefined;
      next.closedBy = undefined;
      next.recoveredAt = undefined;
      next.recordFinal = undefined;
      const id = `t${next.timeline.length - 1}`;
      return plan(next, [
        { do: "reopen" },
        { do: "comment", id, text: `🔁 ${md(text)}` },
        { do: "sync-issue" },
        { do: "record" },
        { do: "notify", event: "open", id: `reopen-${id}` },
      ]);
    }
    const next: IncidentState = {
      key: s.key,
      kind: s.kind,
      subject: s.id,
      state: "open",
      severity,
      status: s.status,
      openedAt: at,
      startedAt: s.since,
      opening: { status: s.status, reason: s.reason },
      escalationLevel: 1,
      goodRuns: 0,
      episodes: [{ start: s.since }],
      notified: [],
      timeline: [
        { at: s.since, text: `${s.name} ${s.status}: ${s.evidence}` },
        { at, text: `Incident opened (${severity})` },
      ],
      evidence: {
        latest: s.evidence,
        failing: s.evidence,
        worst: s.status,
        ...(s.operational !== undefined ? { lowestOperational: s.operational } : {}),
      },
    };
    return plan(next, [{ do: "ensure-issue" }, { do: "record" }, { do: "notify", event: "open", id: `open-${at}` }]);
  }

  // Open. Maintenance and "unknown" (we cannot tell) hold it as it is.
  if (s.maintenance || s.status === "unknown") return undefined;
  const steps: Step[] = prev.number === undefined ? [{ do: "ensure-issue" }] : [];
  // An opening that a failed run could not announce is announced by the run that gets through.
  const openId = `open-${prev.openedAt}`;
  if (!prev.notified.includes(openId)) {
    steps.push({ do: "notify", event: "open", id: openId });
  }

  if (s.status === "up") {
    const goodRuns = prev.goodRuns + 1;
    const recoveredAt = prev.recoveredAt ?? s.since;
    const episodes = endEpisode(episodesOf(prev), recoveredAt);
    // Good runs and time since the recovery: two dispatches a minute apart cannot close it.
    if (goodRuns < config.closeAfter || now.getTime() - Date.parse(recoveredAt) < config.closeAfterTime) {
      return plan(
        { ...prev, goodRuns, recoveredAt, episodes, evidence: { ...prev.evidence, latest: s.evidence } },
        steps,
      );
    }
    const down = describeDownTime(episodes, recoveredAt);
    const text = `${episodes.length > 1 ? `Resolved: ${down};` : `Resolved after ${down}:`} ${goodRuns} consecutive good runs since ${stamp(recoveredAt)}.`;
    const next = addTimeline(
      { ...prev, goodRuns, recoveredAt, episodes, status: "up", state: "closed", closedAt: at, closedBy: "automation" },
      recoveredAt,
      `Recovered (${s.evidence})`,
    );
    next.timeline.push({ at, text });
    return plan(next, [
      ...steps,
      { do: "comment", id: `resolved-${prev.timeline.length}`, text: `✅ ${md(text)}` },
      { do: "sync-issue" },
      { do: "close" },
      { do: "record" },
      { do: "notify", event: "resolve", id: `resolve-${prev.openedAt}-${prev.timeline.length}` },
    ]);
  }

  // Still failing (down or degraded): a change, an escalation, or a reminder.
  // The impact shown is the worst seen: "down" once down, and the evidence of the last failing run.
  const worst = (prev.evidence.worst ?? prev.status) === "down" || s.status === "down" ? "down" : s.status;
  // Failing again after a recovery that did not close it: a new episode.
  const episodes =
    prev.recoveredAt !== undefined
      ? startEpisode(endEpisode(episodesOf(prev), prev.recoveredAt), s.since)
      : episodesOf(prev);
  let next: IncidentState = {
    ...prev,
    goodRuns: 0,
    recoveredAt: undefined,
    episodes,
    evidence: { ...prev.evidence, latest: s.evidence, failing: s.evidence, worst },
  };
  const severity = s.severity ?? severityFor(s.criticality, s.status);
  const changes: string[] = [];
  // Only what makes the incident worse is a timeline comment, so a service swinging between
  // degraded and down (or a quorum between 4 and 3) comments once, not on every run.
  if (s.status === "down" && (prev.evidence.worst ?? prev.status) !== "down") changes.push(`${prev.status} → down`);
  if (severity && worse(severity, prev.severity) !== prev.severity) {
    changes.push(`severity raised ${prev.severity} → ${severity}`);
    next.severity = severity;
  }
  const lowest = typeof prev.evidence.lowestOperational === "number" ? prev.evidence.lowestOperational : undefined;
  if (s.operational !== undefined && (lowest === undefined || s.operational < lowest)) {
    if (lowest !== undefined) changes.push(`quorum fell to ${s.operational} operational`);
    next.evidence = { ...next.evidence, lowestOperational: s.operational };
  }
  next.status = s.status;
  let commented = false;
  if (changes.length) {
    const text = `${changes.join("; ")}. ${s.evidence}`;
    next = addTimeline(next, at, text);
    steps.push({ do: "comment", id: `t${next.timeline.length - 1}`, text: `📈 ${md(text)}` }, { do: "sync-issue" });
    commented = true;
  }

  const elapsed = now.getTime() - Date.parse(prev.startedAt ?? prev.openedAt);
  const level = [...config.escalation]
    .filter((l) => l.severities.includes(next.severity) && elapsed >= l.after && l.level > next.escalationLevel)
    .sort((a, b) => b.level - a.level)[0];
  if (level) {
    const who = level.mention.map((m) => `@${m.replace(/^@/, "")}`).join(" ");
    const text = `Escalated to Level ${level.level} (${level.name}): ${next.severity} unresolved for ${formatDuration(elapsed)}.`;
    next = addTimeline({ ...next, escalationLevel: level.level }, at, text);
    // The issue body's Timeline gains the escalation when it happens, not at the next change.
    steps.push({
      do: "comment",
      id: `escalation-${level.level}`,
      text: `🚨 ${md(text)}${who ? ` ${who}` : ""}\n\n${md(s.evidence)}`,
    });
    if (!steps.some((x) => x.do === "sync-issue")) steps.push({ do: "sync-issue" });
    if (level.assign.length) steps.push({ do: "assign", logins: level.assign });
    steps.push(
      { do: "record" },
      { do: "notify", event: "escalation", id: `escalation-${level.level}-${prev.openedAt}` },
    );
    commented = true;
  }

  const lastReminder = Date.parse(prev.lastReminderAt ?? prev.openedAt);
  if (now.getTime() - lastReminder >= config.reminderEvery) {
    const n = Math.floor((now.getTime() - Date.parse(prev.openedAt)) / config.reminderEvery);
    next.lastReminderAt = at;
    if (!commented) {
      steps.push({
        do: "comment",
        id: `reminder-${n}`,
        text: `⏰ ${md(`Still ${s.status} after ${formatDuration(elapsed)} (${next.severity}). ${s.evidence}`)}`,
      });
    }
  }
  if (changes.length && !steps.some((x) => x.do === "record")) steps.push({ do: "record" });
  return plan(next, steps);
}

/**
 * Comment text is Markdown posted as is; the evidence in it is what a service said, so it is made
 * inert (no mention, link, image, HTML comment or forged marker). The escalation's own mentions are
 * added after, on purpose. Timeline texts stay raw in the state and are made inert where rendered.
 */
function md(text: string): string {
  return inlineMarkdown(text, { max: 1_000 });
}

function addTimeline(state: IncidentState, at: string, text: string): IncidentState {
  return { ...state, timeline: [...state.timeline, { at, text }] };
}
