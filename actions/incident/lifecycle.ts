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
  | { do: "notify"; event: "open" | "escalation" | "reminder" | "resolve"; id: string };

/**
 * What people said on an open incident's issue, read by the step before deciding: an
 * acknowledgement (the first writer's `/ack`, at its time, or a human assignee, at the run that saw
 * it). Keyed by incident key.
 */
export interface Signal {
  ack?: { by: string; at: string; via: "comment" | "assignment" };
}

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
  signals: Readonly<Record<string, Signal>> = {},
): Plan[] {
  const plans: Plan[] = [];
  for (const subject of subjects) {
    const plan = decideOne(subject, incidents[subject.key], config, now, runAt, signals[subject.key]);
    if (plan) plans.push(plan);
  }
  return plans;
}

export function isFailing(s: Subject, config: IncidentsConfig, now: Date): boolean {
  if (s.maintenance) return false;
  // Attributed to a down dependency or group: that one's incident is the page. An incident already
  // open goes on as usual (and resolves as usual: a resolve is never held back).
  if (s.causedBy) return false;
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
  signal: Signal | undefined,
): Plan | undefined {
  const p = decideSteps(s, prev, config, now, runAt, signal);
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
  signal: Signal | undefined,
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
      // A reopened incident is a new page: it must be acknowledged (and may escalate) again.
      next.ackedAt = undefined;
      next.ackedBy = undefined;
      next.responseEscalated = undefined;
      next.lastRemindedAt = undefined;
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
        ...(s.affected?.length ? { affected: s.affected } : {}),
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
  const ack = acknowledgement(prev, signal);
  if (ack) {
    const text = `Acknowledged by @${ack.by.replace(/^@/, "")} (${ack.via === "comment" ? "/ack" : "assigned"}), ${formatDuration(Math.max(0, Date.parse(ack.at) - Date.parse(prev.openedAt)))} after it opened.`;
    prev = addTimeline({ ...prev, ackedAt: ack.at, ackedBy: ack.by }, at, text);
    steps.push({ do: "sync-issue" }, { do: "record" });
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
    // The closing steps sync the issue and write the record anyway (an acknowledgement included).
    const first = steps.filter((x) => x.do !== "sync-issue" && x.do !== "record");
    const down = describeDownTime(episodes, recoveredAt);
    const text = `${episodes.length > 1 ? `Resolved: ${down};` : `Resolved after ${down}:`} ${goodRuns} consecutive good runs since ${stamp(recoveredAt)}.`;
    const next = addTimeline(
      { ...prev, goodRuns, recoveredAt, episodes, status: "up", state: "closed", closedAt: at, closedBy: "automation" },
      recoveredAt,
      `Recovered (${s.evidence})`,
    );
    next.timeline.push({ at, text });
    return plan(next, [
      ...first,
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
  // More fail behind it: the issue lists them (a timeline comment names the new ones).
  const known = Array.isArray(prev.evidence.affected) ? (prev.evidence.affected as string[]) : [];
  const added = (s.affected ?? []).filter((x) => !known.includes(x));
  if (added.length) {
    changes.push(`also affecting ${added.join(", ")}`);
    next.evidence = { ...next.evidence, affected: [...known, ...added].sort() };
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
  const acked = next.ackedAt !== undefined;
  const sla = config.sla[next.severity];
  // Acknowledged: someone is on it. No escalation and no reminder (comment or notification).
  const byDuration = acked
    ? undefined
    : [...config.escalation]
        .filter((l) => l.severities.includes(next.severity) && elapsed >= l.after && l.level > next.escalationLevel)
        .sort((a, b) => b.level - a.level)[0];
  // Past the response SLA and still unacknowledged: the next level at once, not at its duration.
  const sinceOpen = now.getTime() - Date.parse(prev.openedAt);
  const slaDue = !acked && !next.responseEscalated && sinceOpen >= sla.respond;
  const bySla = slaDue ? nextLevel(config, next.escalationLevel, next.severity) : undefined;
  if (slaDue) next.responseEscalated = true;
  const level = byDuration && (!bySla || byDuration.level >= bySla.level) ? byDuration : bySla;
  if (level) {
    const who = level.mention.map((m) => `@${m.replace(/^@/, "")}`).join(" ");
    const why =
      level === byDuration
        ? `${next.severity} unresolved for ${formatDuration(elapsed)}`
        : `${next.severity} not acknowledged within its response SLA (${formatDuration(sla.respond)})`;
    const text = `Escalated to Level ${level.level} (${level.name}): ${why}.`;
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
  } else if (slaDue) {
    // No level above to reach: the missed response is still on the record.
    const text = `Not acknowledged within the ${next.severity} response SLA (${formatDuration(sla.respond)}).`;
    next = addTimeline(next, at, text);
    steps.push({ do: "comment", id: "sla-response", text: `⏱️ ${md(text)}` });
    if (!steps.some((x) => x.do === "sync-issue")) steps.push({ do: "sync-issue" });
    steps.push({ do: "record" });
    commented = true;
  }

  const lastReminder = Date.parse(prev.lastReminderAt ?? prev.openedAt);
  if (!acked && now.getTime() - lastReminder >= config.reminderEvery) {
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
  // Reminders notify, at the severity's cadence, while nobody has acknowledged. An escalation sent
  // this run is the reminder. Only the latest reminder id is kept in `notified`.
  const lastRemind = Date.parse(prev.lastRemindedAt ?? prev.openedAt);
  if (!acked && sla.remindEvery && now.getTime() - lastRemind >= sla.remindEvery) {
    next.lastRemindedAt = at;
    if (!steps.some((x) => x.do === "notify" && x.event === "escalation")) {
      next.notified = next.notified.filter((id) => !id.startsWith("remind-"));
      steps.push({
        do: "notify",
        event: "reminder",
        id: `remind-${prev.openedAt}-${Math.floor(sinceOpen / sla.remindEvery)}`,
      });
    }
  }
  if (changes.length && !steps.some((x) => x.do === "record")) steps.push({ do: "record" });
  return plan(next, steps);
}

/** A new acknowledgement for this incident, if the signal has one it has not recorded yet. */
function acknowledgement(prev: IncidentState, signal: Signal | undefined): Signal["ack"] {
  const ack = signal?.ack;
  if (!ack || prev.ackedAt !== undefined) return undefined;
  // An /ack from an earlier episode (before a reopen) does not acknowledge this one.
  const from = Date.parse(episodesOf(prev).at(-1)?.start ?? prev.openedAt);
  if (ack.via === "comment" && Date.parse(ack.at) < Math.min(from, Date.parse(prev.openedAt))) return undefined;
  return ack;
}

/** The lowest escalation level above `current`, preferring those configured for `severity`. */
function nextLevel(config: IncidentsConfig, current: number, severity: IncidentState["severity"]) {
  const above = config.escalation.filter((l) => l.level > current).sort((a, b) => a.level - b.level);
  const own = above.filter((l) => l.severities.includes(severity));
  return own.find((l) => l.level === above[0]?.level) ?? above[0];
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
