import { lookup } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
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
  /** ALPN protocols offered in the TLS handshake; default ["http/1.1"]. Empty offers none (a raw TLS port). */
  alpn?: string[];
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
    /** Every socket `finish` listens on, so success leaves none of our listeners behind. */
    const opened: net.Socket[] = [];
    let done = false;

    const mark = (key: "dns" | "connect" | "tls") => {
      if (first) tracker.marks[key] = elapsed(tracker);
    };
    const finish = (error: Error | null, s?: net.Socket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      for (const s of opened) s.removeListener("error", finish);
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
    const resolved: Promise<LookupAddress[]> = net.isIP(hostname)
      ? Promise.resolve([{ address: hostname, family: net.isIP(hostname) }])
      : lookup(hostname, { all: true });
    resolved.then((addresses) => {
      if (done) return;
      mark("dns");
      tracker.phase = "connect";
      const list = candidates(addresses);
      if (list.length === 0)
        return finish(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }));
      connectTo(list, 0);
    }, finish);

    // One address of each family, in the resolver's order: "localhost" may answer ::1 first to
    // a service that listens on 127.0.0.1 only, and a browser would still reach it.
    const connectTo = (list: LookupAddress[], i: number): void => {
      const { address, family } = list[i]!;
      tracker.address = `${family === 6 ? `[${address}]` : address}:${port}`;
      const raw = net.connect({ host: address, port, family });
      socket = raw;
      const onError = (error: Error & { code?: string }) => {
        if (done) return;
        if (i + 1 < list.length && error.code && FALLBACK_CODES.has(error.code)) {
          raw.destroy();
          return connectTo(list, i + 1);
        }
        finish(error);
      };
      raw.once("error", onError);
      raw.once("connect", () => {
        raw.removeListener("error", onError);
        raw.once("error", finish);
        opened.push(raw);
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
          ...((o.alpn ?? ["http/1.1"]).length ? { ALPNProtocols: o.alpn ?? ["http/1.1"] } : {}),
        });
        socket = secure;
        secure.once("error", finish);
        opened.push(secure);
        secure.once("secureConnect", () => {
          mark("tls");
          const cert = secure.getPeerCertificate();
          if (first) {
            tracker.cert = cert;
            tracker.alpn = secure.alpnProtocol || undefined;
          }
          if (o.verifyTls && !secure.authorized) {
            const code = String(secure.authorizationError ?? "UNKNOWN");
            return finish(
              probeError({ kind: "tls", problem: tlsProblem(code), detail: `${code} (${describeCert(cert)})` }),
            );
          }
          finish(null, secure);
        });
      });
    };
  };
}

/** Errors after which the next address may still answer. */
const FALLBACK_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "EAFNOSUPPORT"]);

function candidates(addresses: LookupAddress[]): LookupAddress[] {
  const first = addresses[0];
  if (!first) return [];
  const other = addresses.find((a) => a.family !== first.family);
  return other ? [first, other] : [first];
}
