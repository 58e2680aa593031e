import type { Clock } from "../clock.ts";
import type { DefaultsConfig, OpsConfig, ProbeConfig, ServiceConfig } from "../config/schema/index.ts";
import { resolveSecrets, type Env, type Redactor } from "../config/secrets.ts";
import type { ProbeKind, ProbeKinds, SampleOptions } from "./kind.ts";
import { loadKind } from "./kinds.ts";
import { createLimiter, unlimited, type Limiter } from "./limit.ts";
import { INCONCLUSIVE, type Failure, type ProbeResult, type Sample } from "./result.ts";
import { scrubFailure, scrubSample } from "./redact.ts";
import { summarizeSamples } from "./stats.ts";

export interface ProbeFleetInput {
  config: OpsConfig;
  /** The services to probe; default all of `config.services`. */
  services?: readonly ServiceConfig[];
  /** Probe kinds by type; default every kind in kinds.ts, each loaded on first use. */
  kinds?: ProbeKinds;
  clock: Clock;
  env: Env;
  redactor: Redactor;
  signal?: AbortSignal;
  /** Called as each service finishes, for progress output. */
  onResult?: (result: ProbeResult) => void;
  /** Called when a service looks down and is re-probed until `until` (confirmation), for progress output. */
  onConfirming?: (serviceId: string, until: Date) => void;
}

/**
 * Probes every service at once under one request limit (`defaults.concurrency`), so a run lasts
 * about as long as its slowest service, not the sum. Results come back in the services' order.
 */
export async function probeFleet(input: ProbeFleetInput): Promise<ProbeResult[]> {
  const { config } = input;
  const limit = createLimiter(config.defaults.concurrency);
  const services = input.services ?? config.services;
  return Promise.all(
    services.map(async (service) => {
      const result = await probeService({ ...input, service, defaults: config.defaults, limit });
      input.onResult?.(result);
      return result;
    }),
  );
}

export interface ProbeServiceInput {
  service: ServiceConfig;
  defaults: DefaultsConfig;
  kinds?: ProbeKinds;
  clock: Clock;
  env: Env;
  redactor: Redactor;
  signal?: AbortSignal;
  /** Each request runs inside this limiter; default none (one service on its own). */
  limit?: Limiter;
  /** Re-probe a service that looks down until it recovers or `confirmWindow` ends; default true. */
  confirm?: boolean;
  /** Told once when the service looks down and confirmation starts. */
  onConfirming?: (serviceId: string, until: Date) => void;
}

/**
 * One service: resolve its secrets, take `samples` spaced samples, and while the attempt looks
 * down (success rate below the red threshold) re-probe with doubling backoff inside
 * `confirmWindow`. The result keeps the samples of every attempt (metrics over all of them) and
 * the final attempt's counts (`lastAttempt`: still down after confirmation = hard down).
 * Never throws for anything the service does; every text is redacted.
 */
export async function probeService(input: ProbeServiceInput): Promise<ProbeResult> {
  const { service, defaults, clock, redactor } = input;
  // Before the clock starts: loading a kind's module on first use is not the service's time.
  const kind = input.kinds
    ? (input.kinds[service.probe.type] as ProbeKind | undefined)
    : await loadKind(service.probe.type);
  const started = clock.now();
  const base = { serviceId: service.id, type: service.probe.type, startedAt: started.toISOString() };
  const finish = (
    attempts: number,
    samples: Sample[],
    inconclusive?: Failure,
    last?: readonly Sample[],
  ): ProbeResult => {
    const clean = samples.map((s) => scrubSample(s, redactor));
    const result: ProbeResult = {
      ...base,
      durationMs: clock.now().getTime() - started.getTime(),
      attempts,
      samples: clean,
      metrics: summarizeSamples(clean),
    };
    if (last) result.lastAttempt = { okCount: last.filter((s) => s.ok).length, count: last.length };
    if (inconclusive) {
      result.inconclusive = scrubFailure(inconclusive, redactor);
      if (!samples.length) result.metrics.lastFailure = result.inconclusive;
    }
    return result;
  };

  if (!kind) {
    return finish(0, [], {
      kind: "protocol",
      detail: `no "${service.probe.type}" probe in this build; add it to actions/shared/probe/kinds.ts`,
    });
  }
  const resolved = resolveSecrets<ProbeConfig>(service.probe, input.env, redactor);
  if (!resolved.ok) return finish(0, [], { kind: "missing-secret", name: resolved.missing.join(", ") });

  const opts = {
    ...sampleOptions(service, resolved.value, defaults, input.signal),
    redact: (text: string) => redactor.scrub(text),
  };
  const count = service.samples ?? defaults.samples;
  const red = (service.thresholds.successRate ?? defaults.thresholds.successRate)?.red;
  const startMs = started.getTime();
  let delay = defaults.retryDelay;
  // Every sample of every attempt is kept: a service failing one request in five must show 80 %,
  // not the 100 % of the attempt that happened to pass.
  const all: Sample[] = [];
  for (let attempts = 1; ; attempts++) {
    const samples = await takeSamples(kind, resolved.value, opts, count, defaults.sampleSpacing, input);
    all.push(...samples);
    const inconclusive = inconclusiveOf(samples);
    const left = defaults.confirmWindow - (clock.now().getTime() - startMs);
    const more = input.confirm !== false && left > 0 && attempts < MAX_ATTEMPTS && !input.signal?.aborted;
    if (inconclusive || !looksDown(samples, red) || !more) {
      return finish(attempts, all, inconclusive, samples);
    }
    if (attempts === 1) input.onConfirming?.(service.id, new Date(startMs + defaults.confirmWindow));
    // The last wait is cut to the window's end, so the final attempt confirms the whole window.
    await clock.sleep(Math.min(delay, left), input.signal);
    delay *= 2;
  }
}

/**
 * A bound on attempts besides the window: with `retryDelay: 0` on a clock that only moves when
 * slept on, the window alone would never close. The defaults (5 s doubling in 120 s) make 6.
 */
const MAX_ATTEMPTS = 12;

async function takeSamples(
  kind: ProbeKind,
  probe: ProbeConfig,
  opts: SampleOptions,
  count: number,
  spacing: number,
  input: ProbeServiceInput,
): Promise<Sample[]> {
  const limit = input.limit ?? unlimited;
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await input.clock.sleep(spacing, input.signal);
    const sample = await limit.run(() => safeSample(kind, probe, opts, input.clock));
    samples.push(sample);
    // A throttled service asked us to slow down: no more requests to it in this run.
    if (sample.throttled) break;
  }
  return samples;
}

/** How long past its own timeout a kind may take before the engine stops waiting: its timeout again, at most 2 s. */
const WATCHDOG_GRACE_MS = 2_000;

/**
 * Kinds promise never to throw and to respect their timeout. If one breaks that promise (a bug),
 * the run still records every other service: this one shows the crash or the hang as its reason,
 * and its concurrency slot is released.
 */
async function safeSample(kind: ProbeKind, probe: ProbeConfig, opts: SampleOptions, clock: Clock): Promise<Sample> {
  const at = clock.now();
  const failed = (detail: string): Sample => ({
    at: at.toISOString(),
    ok: false,
    timings: { total: clock.now().getTime() - at.getTime() },
    failure: { kind: "protocol", detail },
  });
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<Sample>((resolve) => {
    const limit = opts.timeoutMs + Math.min(opts.timeoutMs, WATCHDOG_GRACE_MS);
    timer = setTimeout(
      () => resolve(failed(`the ${probe.type} probe did not return within ${limit} ms (a bug, please report it)`)),
      limit,
    );
  });
  try {
    return await Promise.race([kind(probe, opts, { clock }), watchdog]);
  } catch (error) {
    return failed(
      `the ${probe.type} probe crashed (a bug, please report it): ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function sampleOptions(
  service: ServiceConfig,
  probe: ProbeConfig,
  defaults: DefaultsConfig,
  signal?: AbortSignal,
): SampleOptions {
  const timeoutMs = service.timeout ?? defaults.timeout;
  const opts: SampleOptions = {
    timeoutMs,
    connectTimeoutMs: Math.min(service.connectTimeout ?? defaults.connectTimeout, timeoutMs),
    maxBodyBytes: (probe.type === "http" ? probe.maxBodyBytes : undefined) ?? defaults.maxBodyBytes,
  };
  if (signal) opts.signal = signal;
  return opts;
}

/** Below the red success rate; without a success-rate threshold, only when nothing succeeded. */
function looksDown(samples: readonly Sample[], red: number | undefined): boolean {
  const ok = samples.filter((s) => s.ok).length;
  if (red === undefined) return ok === 0;
  return (ok / samples.length) * 100 < red;
}

/** Nothing succeeded and every failure says nothing about the service (our token, our network). */
function inconclusiveOf(samples: readonly Sample[]): Failure | undefined {
  if (samples.length === 0 || samples.some((s) => s.ok)) return undefined;
  const failures = samples.map((s) => s.failure);
  if (!failures.every((f) => f && INCONCLUSIVE.has(f.kind))) return undefined;
  return failures[failures.length - 1];
}
