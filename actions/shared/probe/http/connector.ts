import { lookup } from "node:dns/promises";
import net from "node:net";
import tls from "node:tls";
import type { Client } from "undici";
import { describeCert, tlsProblem } from "./tls.ts";
import { elapsed, probeError, type Tracker } from "./tracker.ts";

/** undici's connect hook: `(options, callback) => void`. */
export type Connector = Extract<NonNullable<Client.Options["connect"]>, Function>;

export interface ConnectorOptions {
  tracker: Tracker;
  connectTimeoutMs: number;
  verifyTls: boolean;
  /** Trusted CA certificates instead of Node's bundled roots (tests; private CAs). */
  ca?: string | Buffer | Array<string | Buffer>;
  signal: AbortSignal;
}

/**
 * undici's `connect` hook, done by hand so each phase is timed: DNS lookup, TCP connect, TLS
 * handshake. The handshake never rejects by itself (`rejectUnauthorized: false`): we read the
 * certificate first, so days-until-expiry is known even for a bad certificate, then refuse it
 * ourselves with a typed failure when `verifyTls` is on. `connectTimeoutMs` covers all three.
 */
export function createConnector(o: ConnectorOptions): Connector {
  const { tracker, signal } = o;
  return (opts, callback) => {
    const first = tracker.connections++ === 0;
    const https = opts.protocol === "https:";
    const hostname = opts.hostname;
    const port = Number(opts.port) || (https ? 443 : 80);
    let socket: net.Socket | undefined;
    let done = false;

    const mark = (key: "dns" | "connect" | "tls") => {
      if (first) tracker.marks[key] = elapsed(tracker);
    };
    const finish = (error: Error | null, s?: net.Socket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket?.removeListener("error", finish);
      if (error || !s) {
        socket?.destroy();
        callback(error ?? new Error("connector finished without a socket"), null);
      } else {
        tracker.phase = "firstByte";
        callback(null, s);
      }
    };
    const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    const timer = setTimeout(
      () => finish(probeError({ kind: "timeout", phase: tracker.phase, afterMs: elapsed(tracker) })),
      o.connectTimeoutMs,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });

    tracker.phase = "dns";
    tracker.host = hostname;
    const resolved = net.isIP(hostname)
      ? Promise.resolve({ address: hostname, family: net.isIP(hostname) })
      : lookup(hostname);
    resolved.then(({ address, family }) => {
      if (done) return;
      mark("dns");
      tracker.phase = "connect";
      tracker.address = `${family === 6 ? `[${address}]` : address}:${port}`;
      const raw = net.connect({ host: address, port, family });
      socket = raw;
      raw.once("error", finish);
      raw.once("connect", () => {
        mark("connect");
        raw.setNoDelay(true);
        if (!https) return finish(null, raw);
        tracker.phase = "tls";
        const servername = opts.servername || (net.isIP(hostname) ? undefined : hostname);
        const secure = tls.connect({
          socket: raw,
          host: hostname,
          ...(servername ? { servername } : {}),
          rejectUnauthorized: false,
          ...(o.ca ? { ca: o.ca } : {}),
          ALPNProtocols: ["http/1.1"],
        });
        socket = secure;
        secure.once("error", finish);
        secure.once("secureConnect", () => {
          mark("tls");
          const cert = secure.getPeerCertificate();
          if (first) tracker.cert = cert;
          if (o.verifyTls && !secure.authorized) {
            const code = String(secure.authorizationError ?? "UNKNOWN");
            return finish(probeError({ kind: "tls", problem: tlsProblem(code), detail: `${code} (${describeCert(cert)})` }));
          }
          finish(null, secure);
        });
      });
    }, finish);
  };
}
