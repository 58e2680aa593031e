import { Agent, fetch as undiciFetch } from "undici";
import { errorCode } from "../probe/net-error.ts";

/**
 * How the GitHub client reaches GitHub, so that a GitHub that does not answer never stalls a run:
 *
 * - Timeouts that cannot be lost. The per-attempt deadline is a plain `setTimeout` aborting an
 *   `AbortController`: a pending timer is held by the event loop, so nothing it needs can be
 *   garbage-collected. (An `AbortSignal.timeout` is held weakly: on Node 20 it was collected while
 *   undici's fetch waited, with `AbortSignal.any` or without, and the request then waited for
 *   undici's 300 s default — `transport.test.ts` shows it with forced GC.) undici's own connect,
 *   headers and body timeouts are set to the same value as a second line.
 * - A circuit breaker per run: after the first connection failure or timeout (or a call that still
 *   failed with a 5xx after its retries), every later call in the run fails at once with the first
 *   failure as its cause, instead of each one waiting out its own timeout and retries.
 * - No retry storm: a connection failure or a timeout is not retried by the retry plugin (it is
 *   raised as an abort, which Octokit passes through), so an unreachable GitHub costs one attempt.
 */
export interface Breaker {
  /** The failure that opened it, if it is open. */
  readonly cause: Error | undefined;
  trip(cause: Error): void;
}

export function createBreaker(): Breaker {
  let cause: Error | undefined;
  return {
    get cause() {
      return cause;
    },
    trip(error) {
      cause ??= error;
    },
  };
}

/** Raised instead of a request when the breaker is open, and for an attempt that got no answer. */
export class GitHubUnreachableError extends Error {
  // Octokit rethrows an "AbortError" from fetch untouched, so the retry plugin does not retry it.
  override name = "AbortError";
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof GitHubUnreachableError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface TransportOptions {
  timeoutMs: number;
  breaker: Breaker;
}

/** A `fetch` for Octokit with the timeouts and the breaker above. */
export function githubFetch({ timeoutMs, breaker }: TransportOptions): typeof fetch {
  const dispatcher = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const timed = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (breaker.cause) {
      throw new GitHubUnreachableError(
        `skipped: GitHub did not answer earlier in this run (${breaker.cause.message})`,
        "CIRCUIT_OPEN",
        { cause: breaker.cause },
      );
    }
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")),
      timeoutMs,
    );
    const onCancel = () => deadline.abort(init?.signal?.reason);
    init?.signal?.addEventListener("abort", onCancel, { once: true });
    const signal = deadline.signal;
    try {
      const res = await undiciFetch(
        input as string,
        { ...(init as object), signal, dispatcher } as Parameters<typeof undiciFetch>[1],
      );
      // Read the body here, under the same deadline, so a body that never ends is bounded too.
      const body = await res.arrayBuffer();
      const out = new Response(res.status === 204 || res.status === 304 ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers as unknown as Headers,
      });
      Object.defineProperty(out, "url", { value: res.url });
      return out;
    } catch (error) {
      if (init?.signal?.aborted) throw error;
      const timedOut = signal.aborted || /TIMEOUT/.test(errorCode(error) ?? "");
      const code = timedOut ? "TIMEOUT" : (errorCode(error) ?? "NETWORK");
      const failure = new GitHubUnreachableError(
        timedOut ? `no answer within ${timeoutMs} ms` : `no connection (${code})`,
        code,
        { cause: error },
      );
      breaker.trip(failure);
      throw failure;
    } finally {
      clearTimeout(timer);
      init?.signal?.removeEventListener("abort", onCancel);
    }
  };
  return timed as typeof fetch;
}
