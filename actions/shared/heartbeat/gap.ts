import { formatDuration } from "../config/schema/units.ts";
import { nextRun, parseCron } from "../../report/cron.ts";

/**
 * The monitor's own gap since its previous run (issue 12 §1). GitHub starts cron runs late, drops
 * some and disables schedules; this notices from the inside, the heartbeat pings from the outside.
 * Pure: the previous run's time (latest.json `run.startedAt`), this run's time and the schedule in,
 * a decision out, so replaying the same runs gives the same answers.
 */
export interface GapInput {
  /** The previous run's start (the previous latest.json `run.startedAt`); undefined on a first run. */
  previousRunAt: string | undefined;
  /** This run's start (the injected clock / --now). */
  now: Date;
  /** schedule.monitor */
  cron: string;
  /** heartbeat.gapThreshold; default below. */
  thresholdMs?: number;
  /** heartbeat.gapIncident (1 h). */
  incidentAfterMs: number;
}

export interface MonitoringGap {
  /** The previous run and this one. */
  from: string;
  to: string;
  gapMs: number;
  /** What counted as too long. */
  thresholdMs: number;
  /** One line for STATUS.md and the incident. */
  summary: string;
}

export type GapDecision =
  | { kind: "first-run" }
  | { kind: "ok"; gapMs: number; thresholdMs: number }
  /** Longer than the threshold: record it (and show it in STATUS.md). */
  | { kind: "gap"; gap: MonitoringGap; openIncident: boolean };

/**
 * The default threshold is 3× the schedule's cadence (the interval between the two firings after
 * the previous run), and at least the schedule's own wait plus two cadences, so a schedule that
 * pauses (e.g. "every 10 min, 08–18 h") does not report its night as a gap.
 */
export function defaultGapThreshold(cron: string, previousRunAt: Date): number {
  const c = parseCron(cron);
  const next = nextRun(c, previousRunAt);
  const cadence = nextRun(c, next).getTime() - next.getTime();
  const expectedWait = next.getTime() - previousRunAt.getTime();
  return Math.max(3 * cadence, expectedWait + 2 * cadence);
}

export function measureGap(input: GapInput): GapDecision {
  if (!input.previousRunAt) return { kind: "first-run" };
  const prev = new Date(input.previousRunAt);
  if (Number.isNaN(prev.getTime())) return { kind: "first-run" };
  const gapMs = input.now.getTime() - prev.getTime();
  // A replay at an earlier --now, or a clock that went back: nothing to say about a gap.
  if (gapMs <= 0) return { kind: "ok", gapMs: 0, thresholdMs: input.thresholdMs ?? 0 };
  const thresholdMs = input.thresholdMs ?? defaultGapThreshold(input.cron, prev);
  if (gapMs <= thresholdMs) return { kind: "ok", gapMs, thresholdMs };
  const gap: MonitoringGap = {
    from: prev.toISOString(),
    to: input.now.toISOString(),
    gapMs,
    thresholdMs,
    summary: `no monitoring run for ${formatDuration(gapMs)} (${stamp(prev)} to ${stamp(input.now)}; expected at most ${formatDuration(thresholdMs)})`,
  };
  return { kind: "gap", gap, openIncident: gapMs > input.incidentAfterMs };
}

/** Keeps the latest `keep` gaps for STATUS.md, newest first; recording the same gap twice changes nothing. */
export function recordGap(previous: readonly MonitoringGap[], gap: MonitoringGap, keep = 10): MonitoringGap[] {
  const rest = previous.filter((g) => !(g.from === gap.from && g.to === gap.to));
  return [gap, ...rest].sort((a, b) => Date.parse(b.to) - Date.parse(a.to)).slice(0, keep);
}

/**
 * The P3 "monitoring gap" incident, in the incident step's subject shape (actions/incident/subjects.ts
 * `Subject`, whose `kind` gains "monitor"): failing on the run that found the gap, up on the next,
 * so the issue records the gap and closes after `closeAfter` good runs.
 */
export function gapSubject(decision: GapDecision, now: Date) {
  const failing = decision.kind === "gap" && decision.openIncident;
  return {
    key: "monitor:gap",
    kind: "monitor" as const,
    id: "monitor",
    name: "Monitoring gap",
    environment: "shared",
    criticality: "low",
    status: failing ? ("down" as const) : ("up" as const),
    reason: failing ? decision.gap.summary : "",
    since: failing ? decision.gap.from : now.toISOString(),
    evidence: failing
      ? `${decision.gap.summary}. GitHub may have dropped or delayed scheduled runs, or the schedule was disabled; check the Actions tab.`
      : "monitoring runs on schedule again",
    severity: "P3" as const,
  };
}

function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
