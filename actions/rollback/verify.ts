/**
 * After the switch, the service's own probes decide: they are re-run (the foundation engine, the
 * same probe as the monitor) until the service evaluates `up` for `healthyRounds` rounds in a row,
 * or the timeout passes. Time comes from the injected clock, so tests replay it without waiting.
 */
import type { Clock } from "../shared/clock.ts";
import type { DefaultsConfig, ServiceConfig } from "../shared/config/schema/index.ts";
import type { Env, Redactor } from "../shared/config/secrets.ts";
import { evaluateService } from "../shared/evaluate/service.ts";
import { probeService } from "../shared/probe/engine.ts";
import type { ProbeKinds } from "../shared/probe/kind.ts";
import type { ProbeResult } from "../shared/probe/result.ts";
import type { Status } from "../shared/status.ts";

export interface VerifyRound {
  at: string;
  status: Status;
  reason: string;
  successRate: number;
  p95?: number;
}

export interface Verification {
  healthy: boolean;
  /** One line: why it passed or failed. */
  summary: string;
  rounds: VerifyRound[];
  startedAt: string;
  durationMs: number;
}

export interface VerifyOptions {
  service: ServiceConfig;
  defaults: DefaultsConfig;
  clock: Clock;
  /** One probe round of the service; default the foundation engine's `probeService`. */
  probe: (service: ServiceConfig) => Promise<ProbeResult>;
  timeoutMs?: number;
  intervalMs?: number;
  /** Consecutive `up` rounds needed: one lucky answer right after a restart is not recovery. */
  healthyRounds?: number;
  log?: (line: string) => void;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 300_000;

export async function verifyService(opts: VerifyOptions): Promise<Verification> {
  const { service, clock } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  const intervalMs = opts.intervalMs ?? 15_000;
  const needed = opts.healthyRounds ?? 2;
  const started = clock.now();
  const deadline = started.getTime() + timeoutMs;
  // Bounded by a count as well as the clock, so a clock that does not move cannot loop forever.
  const maxRounds = Math.ceil(timeoutMs / intervalMs) + needed;
  const rounds: VerifyRound[] = [];
  let streak = 0;

  for (let i = 0; i < maxRounds; i++) {
    if (i > 0) await clock.sleep(intervalMs);
    const result = await opts.probe(service);
    const at = clock.now();
    const state = evaluateService(service, opts.defaults, result, { now: at, inMaintenance: false });
    const round: VerifyRound = {
      at: at.toISOString(),
      status: state.status,
      reason: state.reason,
      successRate: result.metrics.successRate,
    };
    if (result.metrics.p95 !== undefined) round.p95 = Math.round(result.metrics.p95);
    rounds.push(round);
    streak = state.status === "up" ? streak + 1 : 0;
    opts.log?.(`verify ${service.id}: round ${i + 1} ${state.status}${state.reason ? ` (${state.reason})` : ""}`);
    if (streak >= needed) return done(true, `${service.id} is up: ${needed} healthy probe round(s) in a row`);
    if (at.getTime() >= deadline) break;
  }
  const last = rounds.at(-1);
  return done(
    false,
    `${service.id} did not stay up within ${Math.round(timeoutMs / 1000)} s; last probe: ${last?.status ?? "none"}${last?.reason ? ` (${last.reason})` : ""}`,
  );

  function done(healthy: boolean, summary: string): Verification {
    return {
      healthy,
      summary,
      rounds,
      startedAt: started.toISOString(),
      durationMs: clock.now().getTime() - started.getTime(),
    };
  }
}

/** The engine's single-service probe, without the in-run confirmation (the rounds are the confirmation). */
export function engineProbe(deps: {
  defaults: DefaultsConfig;
  clock: Clock;
  env: Env;
  redactor: Redactor;
  kinds?: ProbeKinds;
}) {
  return (service: ServiceConfig): Promise<ProbeResult> =>
    probeService({
      service,
      defaults: deps.defaults,
      clock: deps.clock,
      env: deps.env,
      redactor: deps.redactor,
      confirm: false,
      ...(deps.kinds ? { kinds: deps.kinds } : {}),
    });
}
