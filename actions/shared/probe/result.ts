/**
 * What a probe returns. A probe never throws: every outcome, good or bad, is one of these values,
 * and every failure carries enough to say what happened in one line (`describeFailure`).
 */

/** Where in a request time went, or ran out. Milliseconds from the start of the sample. */
export type Phase = "dns" | "connect" | "tls" | "firstByte" | "body" | "total" | "query";

export interface Timings {
  dns?: number;
  connect?: number;
  tls?: number;
  firstByte?: number;
  /** A database query's own time (postgres), apart from connecting. */
  query?: number;
  total: number;
}

export type TlsProblem = "expired" | "not-yet-valid" | "self-signed" | "untrusted" | "hostname" | "handshake";

export type Failure = FailureOf & {
  /** The step of a multi-step check (`steps` probe) where it happened: `send test message`. */
  step?: string;
};

type FailureOf =
  | { kind: "timeout"; phase: Phase; afterMs: number }
  | { kind: "dns"; code: string; host: string }
  | { kind: "refused"; address: string }
  | { kind: "reset"; phase: Phase }
  | { kind: "tls"; problem: TlsProblem; detail: string }
  | { kind: "status"; expected: string; found: number }
  | { kind: "assertion"; assertion: string; expected: string; found: string }
  | { kind: "body-too-large"; limitBytes: number }
  | { kind: "invalid-json"; detail: string }
  | { kind: "redirects"; detail: string }
  | { kind: "missing-secret"; name: string }
  /** The service answered but refused our credentials (e.g. a rotated token): our problem, not an outage. */
  | { kind: "auth" /** HTTP status; absent for non-HTTP protocols (postgres). */; status?: number; detail: string }
  | { kind: "query"; detail: string }
  | { kind: "no-data"; detail: string }
  | { kind: "protocol"; detail: string }
  | { kind: "offline"; detail: string }
  /** The API kept answering 429 after we waited as it asked: it says nothing of the service. */
  | { kind: "throttled"; status: number; retryAfterMs?: number; detail: string }
  | { kind: "network"; code: string; detail: string };

export type FailureKind = Failure["kind"];

/**
 * Failures that say nothing about the service's health (our secret is missing, our token was
 * rotated, the runner is offline, a metrics query matched no series). They make the status `unknown`, never `down`.
 */
export const INCONCLUSIVE: ReadonlySet<FailureKind> = new Set([
  "missing-secret",
  "auth",
  "offline",
  "no-data",
  "throttled",
]);

/** One request / query / check, as measured. */
export interface Sample {
  /** ISO time the sample started. */
  at: string;
  ok: boolean;
  timings: Timings;
  /** HTTP status code, when there was one. */
  statusCode?: number;
  failure?: Failure;
  /** The number a value probe (postgres, prometheus) read; compared with `thresholds.value`. */
  value?: number;
  /** Per-series values of a prometheus vector, when rated per series. */
  series?: Array<{ labels: Record<string, string>; value: number }>;
  /** Days until the TLS certificate expires (https only). */
  certDaysLeft?: number;
  /** The sample succeeded but the service reports a partial problem (some machines failing, a tool erroring). */
  warning?: string;
  /** The HTTP version the answer came in ("h2" when ALPN chose it); http only. */
  protocol?: "h2" | "http/1.1";
  /** The service answered 429: it is up and asks us to slow down (see probe/throttle.ts). */
  throttled?: { status: number; retryAfterMs?: number };
}

export function describeFailure(f: Failure): string {
  return f.step === undefined ? describeOne(f) : `step "${f.step}": ${describeOne(f)}`;
}

function describeOne(f: Failure): string {
  switch (f.kind) {
    case "timeout":
      return `timeout in ${f.phase} after ${Math.round(f.afterMs)} ms`;
    case "dns":
      return `DNS lookup of ${f.host} failed (${f.code})`;
    case "refused":
      return `connection refused by ${f.address}`;
    case "reset":
      return `connection reset during ${f.phase}`;
    case "tls":
      return `TLS ${f.problem}: ${f.detail}`;
    case "status":
      return `unexpected status ${f.found} (expected ${f.expected})`;
    case "assertion":
      return `assertion ${f.assertion} failed: expected ${f.expected}, found ${f.found}`;
    case "body-too-large":
      return `body too large (over ${f.limitBytes} bytes)`;
    case "invalid-json":
      return `invalid JSON: ${f.detail}`;
    case "redirects":
      return `redirects: ${f.detail}`;
    case "missing-secret":
      return `missing secret ${f.name}`;
    case "auth":
      return `auth failed${f.status === undefined ? "" : ` (${f.status})`}: ${f.detail}`;
    case "query":
      return `query failed: ${f.detail}`;
    case "no-data":
      return `no data: ${f.detail}`;
    case "protocol":
      return `protocol error: ${f.detail}`;
    case "offline":
      return `runner offline: ${f.detail}`;
    case "throttled":
      return `throttled (${f.status}): ${f.detail}`;
    case "network":
      return `network error ${f.code}: ${f.detail}`;
  }
}

/** Summary of a run's samples for one service. Latencies are total sample times in ms. */
export interface ProbeMetrics {
  /** Percentage of samples that succeeded, 0–100. */
  successRate: number;
  okCount: number;
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
  certDaysLeft?: number;
  value?: number;
  series?: Array<{ labels: Record<string, string>; value: number }>;
  statusCodes: number[];
  /** The last failure seen in the run, over every attempt (what the reason line shows). */
  lastFailure?: Failure;
  warning?: string;
}

/** Everything one service's probing produced in one run. */
export interface ProbeResult {
  serviceId: string;
  type: string;
  /** ISO time the first attempt started. */
  startedAt: string;
  durationMs: number;
  /** 1 + the confirmation re-probes made within the run. */
  attempts: number;
  /** Every sample of every attempt, in order; `metrics` summarise them all (ok / total per run). */
  samples: Sample[];
  metrics: ProbeMetrics;
  /**
   * The final attempt's counts. Below the red success rate here means the service still looked
   * down when confirmation ended: hard down. Absent (results built elsewhere): `metrics` stand for it.
   */
  lastAttempt?: { okCount: number; count: number };
  /** Set when the outcome says nothing about the service (missing secret, auth, runner offline). */
  inconclusive?: Failure;
}
