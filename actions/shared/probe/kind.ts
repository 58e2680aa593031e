import type { Clock } from "../clock.ts";
import type { ProbeConfig } from "../config/schema/index.ts";
import type { Sample } from "./result.ts";

/** Per-sample limits the engine hands every probe kind (already merged from defaults + service). */
export interface SampleOptions {
  /** Total time the sample may take, all phases included. */
  timeoutMs: number;
  connectTimeoutMs: number;
  maxBodyBytes: number;
  /** Aborted when the run is cancelled; a probe returns a failure sample, never throws. */
  signal?: AbortSignal;
  /**
   * Hides secrets (the run's redactor): a kind that shortens a service's text for a failure
   * (an excerpt of an answer) scrubs it first, so the cut never leaves part of a secret.
   */
  redact?: (text: string) => string;
}

export interface ProbeDeps {
  clock: Clock;
}

/**
 * One probe kind: takes a probe config whose `${SECRET}` references are already resolved and takes
 * ONE sample. It never throws and never rejects: every outcome is a `Sample`.
 */
export type ProbeKind<C extends ProbeConfig = ProbeConfig> = (
  probe: C,
  opts: SampleOptions,
  deps: ProbeDeps,
) => Promise<Sample>;

/** Probe kinds by `probe.type`; injected into the engine so tests and new kinds plug in. */
export type ProbeKinds = { [T in ProbeConfig["type"]]?: ProbeKind<Extract<ProbeConfig, { type: T }>> };
