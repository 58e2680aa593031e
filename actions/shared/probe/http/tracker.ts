import { performance } from "node:perf_hooks";
import type { PeerCertificate } from "node:tls";
import { describeFailure, type Failure, type Phase } from "../result.ts";

/**
 * What one sample has measured so far. The connector and the request loop move `phase` forward,
 * so a timeout or a reset can say where it happened; `marks` are offsets (ms) from the sample's
 * start, taken on the FIRST connection of the sample (later hops of a redirect reuse or open
 * other connections and would blur what the service itself costs).
 */
export interface Tracker {
  readonly start: number;
  phase: Phase;
  connections: number;
  marks: { dns?: number; connect?: number; tls?: number; firstByte?: number };
  cert?: PeerCertificate;
  /** The protocol ALPN settled on for the first connection ("h2", "http/1.1"); absent without TLS or ALPN. */
  alpn?: string;
  /** `host:port` of the connection being opened, for "connection refused by …". */
  address?: string;
  host?: string;
}

export function newTracker(): Tracker {
  return { start: performance.now(), phase: "connect", connections: 0, marks: {} };
}

export function elapsed(t: Tracker): number {
  return round(performance.now() - t.start);
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** An error that already knows which typed failure it is; `classifyError` passes it through. */
export type ProbeError = Error & { failure: Failure };

export function probeError(failure: Failure): ProbeError {
  return Object.assign(new Error(describeFailure(failure)), { failure });
}

export function isProbeError(e: unknown): e is ProbeError {
  return e instanceof Error && typeof (e as Partial<ProbeError>).failure === "object";
}
