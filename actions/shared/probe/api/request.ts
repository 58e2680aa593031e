/**
 * A small HTTP client for the API-speaking probes (prometheus, fly, mcp): a few JSON requests per
 * sample sharing one connection pool and ONE deadline (the sample's total timeout), bounded body
 * reads, and every network problem returned as a Failure, never thrown.
 */
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import type { SampleOptions } from "../kind.ts";
import { errorCode, errorMessage, isParserError, tlsProblemOf, transportFailure, unclassified } from "../net-error.ts";
import type { Failure, Phase } from "../result.ts";

export interface ApiRequest {
  method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Stop reading once this holds for the text so far (an SSE stream the server keeps open). */
  stopWhen?: (text: string) => boolean;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Milliseconds from the start of the session to this response's headers. */
  firstByteMs: number;
}

export type ApiOutcome = { ok: true; response: ApiResponse } | { ok: false; failure: Failure };

export interface ApiSession {
  request(req: ApiRequest): Promise<ApiOutcome>;
  /** Milliseconds since the session opened. */
  elapsed(): number;
  close(): Promise<void>;
}

export function openSession(opts: SampleOptions): ApiSession {
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  const agent = new Agent({ connect: { timeout: opts.connectTimeoutMs }, pipelining: 0 });
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.timeoutMs);
  const onCancel = () => deadline.abort();
  if (opts.signal?.aborted) onCancel();
  opts.signal?.addEventListener("abort", onCancel, { once: true });

  return {
    elapsed,
    async request(req) {
      // Connect timeouts carry undici's own code; anything else before the headers is "firstByte".
      let phase: Phase = "firstByte";
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        return {
          ok: false,
          failure: {
            kind: "protocol",
            detail:
              "the URL is not valid; expected http(s)://host/path (if it comes from a ${SECRET}, check the secret's value)",
          },
        };
      }
      try {
        const res = await request(url, {
          dispatcher: agent,
          method: req.method ?? "GET",
          headers: req.headers ?? {},
          body: req.body ?? null,
          signal: deadline.signal,
          // The deadline covers the whole exchange; undici's own timers would only muddy the phase.
          headersTimeout: 0,
          bodyTimeout: 0,
        });
        phase = "body";
        const firstByteMs = elapsed();
        const decoder = new TextDecoder();
        let text = "";
        let size = 0;
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > opts.maxBodyBytes) {
            res.body.destroy();
            return { ok: false, failure: { kind: "body-too-large", limitBytes: opts.maxBodyBytes } };
          }
          text += decoder.decode(chunk as Buffer, { stream: true });
          if (req.stopWhen?.(text)) {
            res.body.destroy();
            break;
          }
        }
        text += decoder.decode();
        return { ok: true, response: { status: res.statusCode, headers: res.headers, text, firstByteMs } };
      } catch (error) {
        if (deadline.signal.aborted) {
          return { ok: false, failure: { kind: "timeout", phase, afterMs: elapsed() } };
        }
        return {
          ok: false,
          failure: networkFailure(
            error,
            phase,
            `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`,
            elapsed(),
          ),
        };
      }
    },
    async close() {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCancel);
      await agent.destroy();
    },
  };
}

export function networkFailure(error: unknown, phase: Phase, address: string, afterMs: number): Failure {
  const code = errorCode(error);
  const transport = transportFailure(code, { phase, address, afterMs, timeoutPhase: "connect" });
  if (transport) return transport;
  const tls = tlsProblemOf(code);
  if (tls) return { kind: "tls", problem: tls, detail: `${code}: ${errorMessage(error)}` };
  if (isParserError(error, code))
    return { kind: "protocol", detail: `${code ?? "HTTPParserError"}: ${errorMessage(error)}` };
  return unclassified(error, code);
}

/** Merges header sets by lower-cased name, later sets winning, so "Accept" and "accept" never both go out. */
export function mergeHeaders(...sets: Array<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of sets) for (const [k, v] of Object.entries(set)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

export function header(res: ApiResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Parses a JSON body; `what` names the answer in the failure ("Prometheus answer"). The failure
 * quotes the start of the answer, scrubbed of secrets (`redact`) before it is cut to 80 characters.
 */
export function parseJson(
  text: string,
  what: string,
  redact: (text: string) => string = (t) => t,
): { value: unknown } | { failure: Failure } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const head = redact(text.slice(0, 4_096));
    const snippet = head.length > 80 ? `${head.slice(0, 80)}…` : head;
    return {
      failure: { kind: "invalid-json", detail: `${what}: ${(error as Error).message} in ${JSON.stringify(snippet)}` },
    };
  }
}

/** 401 and 403 mean our credentials were refused (a rotated token): inconclusive, not down. */
export function authFailure(res: ApiResponse, what: string): Failure | undefined {
  if (res.status !== 401 && res.status !== 403) return undefined;
  const hint =
    res.status === 401 ? "the token was refused; was it rotated? update the secret" : "the token lacks permission";
  return { kind: "auth", status: res.status, detail: `${what}: ${hint}` };
}
