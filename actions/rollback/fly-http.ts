/**
 * The Machines API transport: JSON over undici with explicit timeouts, and a retry policy that
 * respects rate limits. A 429 means the request was refused, not applied, so it is retried for
 * every method (after `Retry-After` when the API sends one, else with exponential backoff); a 5xx
 * is retried only for reads, since a write may have happened before the error.
 */
import { request, type Dispatcher } from "undici";
import type { Clock } from "../shared/clock.ts";
import { readBounded } from "../shared/http/read-bounded.ts";
import { retryAfterMs } from "../shared/probe/throttle.ts";

export interface FlyHttpOptions {
  /** Base URL without `/v1`, e.g. https://api.machines.dev */
  apiUrl: string;
  token: string;
  clock: Clock;
  dispatcher?: Dispatcher;
  /** Time allowed for one request to answer, unless the call says otherwise. */
  requestTimeoutMs?: number;
  /** Retries after a 429 (or a 5xx on a read) before giving up. */
  maxRetries?: number;
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** Told about every retry, so the run log shows why it is waiting. */
  onRetry?: (info: { method: string; path: string; status: number; waitMs: number; attempt: number }) => void;
}

export interface FlyResponse {
  status: number;
  body: unknown;
}

export class FlyApiError extends Error {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly apiMessage: string;
  constructor(method: string, path: string, status: number, apiMessage: string, hint?: string) {
    super(`[${method}] "${path}": ${status} ${apiMessage}${hint ? ` — ${hint}` : ""}`);
    this.name = "FlyApiError";
    this.status = status;
    this.method = method;
    this.path = path;
    this.apiMessage = apiMessage;
  }
}

/** Statuses worth another try on a read. 429 is handled for every method. */
const RETRY_ON_READ = new Set([500, 502, 503, 504]);
/** A machine list is a few KB per machine; anything past this is not an answer we can use. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

const HINTS: Record<number, string> = {
  401: "the Fly token was refused: set FLY_API_TOKEN (environment secret of `production`) to a valid deploy token",
  403: "the Fly token may not act on this app: create one with `fly tokens create deploy -a <app>`",
  404: "check the app name under `rollback.app` in ops.config.yml and the machine id",
};

export type FlyRequest = (
  method: "GET" | "POST" | "DELETE",
  path: string,
  opts?: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number; accept?: number[] },
) => Promise<FlyResponse>;

export function createFlyHttp(opts: FlyHttpOptions): FlyRequest {
  const base = opts.apiUrl.replace(/\/+$/, "") + "/v1";
  const timeoutDefault = opts.requestTimeoutMs ?? 30_000;
  const maxRetries = opts.maxRetries ?? 6;
  const backoffBase = opts.backoffBaseMs ?? 1_000;
  const maxBackoff = opts.maxBackoffMs ?? 60_000;

  return async function flyRequest(method, path, call = {}) {
    const timeoutMs = call.timeoutMs ?? timeoutDefault;
    for (let attempt = 0; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(base + path, {
          method,
          dispatcher: opts.dispatcher,
          headers: {
            authorization: `Bearer ${opts.token}`,
            accept: "application/json",
            ...(call.body === undefined ? {} : { "content-type": "application/json" }),
            ...call.headers,
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (cause) {
        const code = (cause as { code?: string }).code ?? "network error";
        throw new Error(
          `[${method}] "${path}": ${code} — the Machines API at ${opts.apiUrl} did not answer within ${timeoutMs} ms`,
          { cause },
        );
      }
      // Answers are JSON of a few KB; an error page is quoted, never read whole.
      const { text } = await readBounded(res.body, MAX_ANSWER_BYTES);
      const body = parseJson(text);
      if (res.statusCode < 300 || call.accept?.includes(res.statusCode)) return { status: res.statusCode, body };

      const retryable = res.statusCode === 429 || (method === "GET" && RETRY_ON_READ.has(res.statusCode));
      if (retryable && attempt < maxRetries) {
        const waitMs = retryAfterMs(res.headers, opts.clock.now()) ?? Math.min(maxBackoff, backoffBase * 2 ** attempt);
        opts.onRetry?.({
          method,
          path,
          status: res.statusCode,
          waitMs: Math.min(waitMs, maxBackoff),
          attempt: attempt + 1,
        });
        await opts.clock.sleep(Math.min(waitMs, maxBackoff));
        continue;
      }
      const message = apiMessage(body, text, res.statusCode);
      const hint =
        res.statusCode === 429
          ? `still rate limited after ${maxRetries} retries; try again in a few minutes`
          : HINTS[res.statusCode];
      throw new FlyApiError(method, path, res.statusCode, message, hint);
    }
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiMessage(body: unknown, text: string, status: number): string {
  if (body && typeof body === "object" && typeof (body as { error?: unknown }).error === "string") {
    return (body as { error: string }).error;
  }
  return text.slice(0, 200) || `HTTP ${status}`;
}
