/**
 * `tcp` probe: a connection to host:port (Redis, SMTP, a Postgres port), optionally a TLS handshake
 * with the certificate's days left, optionally one exchange (`send`, then the first answer must
 * contain `expect`). Connecting reuses the HTTP probe's connector, so DNS, connect and TLS are
 * timed, and fail, exactly as they do for http.
 */
import type net from "node:net";
import type { TcpProbeConfig } from "../config/schema/index.ts";
import { classifyError } from "./http/classify-error.ts";
import { createConnector } from "./http/connector.ts";
import { certDaysLeft } from "./http/tls.ts";
import { sampleDeadline } from "./http/deadline.ts";
import { elapsed, newTracker, type Tracker } from "./http/tracker.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";

export interface TcpProbeOptions {
  /** Trust these CA certificates instead of Node's bundled roots (a private CA; tests). */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** How much of an answer is kept while waiting for `expect`: a banner or a reply is short. */
const MAX_ANSWER_BYTES = 65_536;

export function createTcpProbe(options: TcpProbeOptions = {}): ProbeKind<TcpProbeConfig> {
  return async (probe, opts, deps) => {
    const at = deps.clock.now().toISOString();
    const tracker = newTracker();
    const deadline = sampleDeadline(opts, tracker);
    const connect = createConnector({
      tracker,
      connectTimeoutMs: opts.connectTimeoutMs,
      verifyTls: probe.verifyTls,
      signal: deadline.signal,
      alpn: [],
      ...(options.ca ? { ca: options.ca } : {}),
    });

    let socket: net.Socket | undefined;
    let failure: Failure | undefined;
    try {
      socket = await new Promise<net.Socket>((resolve, reject) =>
        connect(
          {
            protocol: probe.tls ? "https:" : "http:",
            hostname: probe.host.replace(/^\[(.*)\]$/, "$1"),
            port: String(probe.port),
            servername: probe.servername ?? null,
          } as never,
          (error, s) => (error || !s ? reject(error ?? new Error("no socket")) : resolve(s as net.Socket)),
        ),
      );
      if (probe.send !== undefined) socket.write(probe.send);
      if (probe.expect !== undefined) failure = await awaitAnswer(socket, probe.expect, tracker, deadline.signal);
    } catch (error) {
      failure = classifyError(error, tracker);
    } finally {
      deadline.release();
    }
    const timings = { ...tracker.marks, total: elapsed(tracker) };
    socket?.destroy();
    const sample: Sample = { at, ok: !failure, timings, ...(failure && { failure }) };
    const days = certDaysLeft(tracker.cert, deps.clock.now());
    if (days !== undefined) sample.certDaysLeft = days;
    return sample;
  };
}

/** The tcp kind with Node's bundled CA roots. */
export const tcpKind: ProbeKind<TcpProbeConfig> = createTcpProbe();

/**
 * Reads until the text so far contains `expected`; the peer closing first, or the sample's timer,
 * ends the wait. The answer is quoted shortened in the failure (the engine scrubs secrets).
 */
function awaitAnswer(
  socket: net.Socket,
  expected: string,
  tracker: Tracker,
  signal: AbortSignal,
): Promise<Failure | undefined> {
  tracker.phase = "firstByte";
  return new Promise((resolve, reject) => {
    let text = "";
    const done = (result: Failure | undefined | Error) => {
      socket.off("data", onData).off("end", onEnd).off("close", onEnd).off("error", onError);
      signal.removeEventListener("abort", onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (tracker.marks.firstByte === undefined) tracker.marks.firstByte = elapsed(tracker);
      text = (text + chunk.toString("utf8")).slice(-MAX_ANSWER_BYTES);
      if (text.includes(expected)) done(undefined);
    };
    const onEnd = () =>
      done({
        kind: "assertion",
        assertion: "the answer contains",
        expected: JSON.stringify(expected),
        found: text ? `${shorten(text)}, then the peer closed` : "the peer closed without answering",
      });
    const onError = (error: Error) => done(error);
    const onAbort = () => {
      const reason = signal.reason;
      if (text && reason instanceof Error && "failure" in reason) {
        return done({
          kind: "assertion",
          assertion: "the answer contains",
          expected: JSON.stringify(expected),
          found: `${shorten(text)} (no match before the timeout)`,
        });
      }
      done(reason instanceof Error ? reason : new Error("aborted"));
    };
    socket.on("data", onData).once("end", onEnd).once("close", onEnd).once("error", onError);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function shorten(text: string): string {
  const t = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(t);
}
