/**
 * `websocket` probe (RFC 6455): the opening handshake, optionally one message sent and a reply
 * awaited (Chatwoot's live updates run over Action Cable on a WebSocket). The connection is made
 * by the HTTP probe's connector, so DNS, connect and TLS are timed and fail as they do for http,
 * and the certificate's days left are reported; `firstByte` is the 101 answer.
 */
import type { IncomingMessage } from "node:http";
import type net from "node:net";
import WebSocket from "ws";
import type { WebSocketProbeConfig } from "../config/schema/index.ts";
import { classifyError } from "./http/classify-error.ts";
import { createConnector } from "./http/connector.ts";
import { certDaysLeft } from "./http/tls.ts";
import { elapsed, newTracker } from "./http/tracker.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";

export interface WebSocketProbeOptions {
  /** Trust these CA certificates instead of Node's bundled roots (a private CA; tests). */
  ca?: string | Buffer | Array<string | Buffer>;
}

const CREDENTIAL_HEADER = /auth|token|key|secret|cookie|session/i;
/** Text messages remembered for a failure that says what came instead of the expected reply. */
const SEEN_KEPT = 3;

export function createWebSocketProbe(options: WebSocketProbeOptions = {}): ProbeKind<WebSocketProbeConfig> {
  return (probe, opts, deps) =>
    new Promise<Sample>((resolve) => {
      const at = deps.clock.now().toISOString();
      const tracker = newTracker();
      const controller = new AbortController();
      let url: URL;
      try {
        url = new URL(probe.url);
        if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new Error(url.protocol);
      } catch {
        return resolve({
          at,
          ok: false,
          timings: { total: 0 },
          failure: {
            kind: "protocol",
            detail: "the URL is not a ws:// or wss:// URL (if it comes from a ${SECRET}, check the secret's value)",
          },
        });
      }
      const secure = url.protocol === "wss:";
      const connect = createConnector({
        tracker,
        connectTimeoutMs: opts.connectTimeoutMs,
        verifyTls: probe.verifyTls,
        signal: controller.signal,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      const seen: string[] = [];
      let statusCode: number | undefined;
      let settled = false;
      const ws = new WebSocket(probe.url, {
        headers: probe.headers,
        handshakeTimeout: Math.max(1, Math.round(opts.timeoutMs)),
        perMessageDeflate: false,
        followRedirects: false,
        createConnection: ((_o: unknown, cb: (error: Error | null, socket?: net.Socket) => void) => {
          connect(
            {
              protocol: secure ? "https:" : "http:",
              hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
              port: url.port || (secure ? "443" : "80"),
              servername: null,
            } as never,
            (error, socket) => cb(error, (socket ?? undefined) as net.Socket | undefined),
          );
          return undefined;
        }) as never,
      });

      const finish = (failure?: Failure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onCancel);
        const sample: Sample = { at, ok: !failure, timings: { ...tracker.marks, total: elapsed(tracker) } };
        if (statusCode !== undefined) sample.statusCode = statusCode;
        if (failure) sample.failure = failure;
        const days = certDaysLeft(tracker.cert, deps.clock.now());
        if (days !== undefined) sample.certDaysLeft = days;
        controller.abort();
        ws.removeAllListeners();
        ws.on("error", ignore);
        ws.terminate();
        resolve(sample);
      };
      const timer = setTimeout(() => {
        if (tracker.phase !== "body" || !seen.length)
          return finish({ kind: "timeout", phase: tracker.phase, afterMs: elapsed(tracker) });
        const found = `${seen.map((s) => JSON.stringify(s)).join(", ")} (no match before the timeout)`;
        finish({
          kind: "assertion",
          assertion: "a message contains",
          expected: JSON.stringify(probe.expect ?? ""),
          found,
        });
      }, opts.timeoutMs);
      const onCancel = () => finish({ kind: "network", code: "ABORTED", detail: "the run was cancelled" });
      if (opts.signal?.aborted) return onCancel();
      opts.signal?.addEventListener("abort", onCancel, { once: true });

      ws.once("upgrade", (res: IncomingMessage) => {
        statusCode = res.statusCode;
        tracker.marks.firstByte = elapsed(tracker);
      });
      ws.once("unexpected-response", (_req, res: IncomingMessage) => {
        statusCode = res.statusCode;
        tracker.marks.firstByte = elapsed(tracker);
        res.resume();
        const status = res.statusCode ?? 0;
        const credentials =
          Object.keys(probe.headers).some((k) => CREDENTIAL_HEADER.test(k)) ||
          url.username !== "" ||
          [...url.searchParams.keys()].some((k) => CREDENTIAL_HEADER.test(k));
        if ((status === 401 || status === 403) && credentials)
          return finish({ kind: "auth", status, detail: "the WebSocket handshake refused the configured credentials" });
        finish({ kind: "status", expected: "101 (switching protocols)", found: status });
      });
      ws.once("open", () => {
        if (probe.send !== undefined) ws.send(probe.send);
        if (probe.expect === undefined) return finish();
        tracker.phase = "body";
      });
      ws.on("message", (data, isBinary) => {
        if (isBinary || probe.expect === undefined) return;
        const text = data.toString();
        if (text.includes(probe.expect)) return finish();
        seen.push(text.length > 100 ? `${text.slice(0, 100)}…` : text);
        if (seen.length > SEEN_KEPT) seen.shift();
      });
      ws.once("close", (code, reason) => {
        const why = `the server closed the connection (${code}${reason.length ? ` ${reason.toString()}` : ""})`;
        finish({
          kind: "assertion",
          assertion: "a message contains",
          expected: JSON.stringify(probe.expect ?? ""),
          found: seen.length ? `${seen.map((s) => JSON.stringify(s)).join(", ")}, then ${why}` : why,
        });
      });
      ws.once("error", (error: Error) => {
        if (/handshake has timed out/i.test(error.message))
          return finish({ kind: "timeout", phase: "firstByte", afterMs: elapsed(tracker) });
        const code = (error as { code?: unknown }).code;
        // ws's own checks of the handshake and the frames (WS_ERR_…, "Invalid Sec-WebSocket-Accept header").
        if (
          (typeof code === "string" && code.startsWith("WS_ERR_")) ||
          /^Invalid Sec-WebSocket|^Server sent/i.test(error.message)
        ) {
          return finish({ kind: "protocol", detail: error.message });
        }
        finish(classifyError(error, tracker));
      });
    });
}

/** The websocket kind with Node's bundled CA roots. */
export const websocketKind: ProbeKind<WebSocketProbeConfig> = createWebSocketProbe();

function ignore(_error: unknown): void {
  // After the sample is decided, a late socket error changes nothing.
}
