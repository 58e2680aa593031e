import { request } from "undici";
import { readBounded } from "../../shared/http/read-bounded.ts";

/** Characters of a notifier's error answer quoted in the run's errors. */
const QUOTED_CHARS = 200;

/**
 * One JSON POST with a total timeout. The URL is a secret (a webhook) or carries none, but is
 * never put in an error message either way: callers name the route instead. At most 4 KiB of the
 * answer is read, and it is scrubbed of secrets (`scrub`) before it is cut for the message.
 */
/**
 * The request got no answer at all (refused, reset, timed out): the peer is unreachable, not
 * unhappy with this message, so a route sending one request per event stops there (attempts.ts).
 */
export class NoAnswer extends Error {}

export interface PostOptions {
  /** Extra request headers (a webhook channel's own, e.g. an auth header). */
  headers?: Record<string, string>;
  /** Scrubs secrets from the answer before it is cut for the error message. */
  scrub?: (text: string) => string;
}

export async function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
  label: string,
  options: PostOptions = {},
): Promise<void> {
  const scrub = options.scrub ?? ((t: string) => t);
  let status: number;
  let text = "";
  try {
    const res = await request(url, {
      method: "POST",
      headers: { ...options.headers, "content-type": "application/json" },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    text = scrub((await readBounded(res.body)).text.replace(/\s+/g, " ").trim()).slice(0, QUOTED_CHARS);
  } catch (error) {
    // A code (ECONNREFUSED, UND_ERR_…) says what happened without echoing the URL it happened to.
    const code =
      (error as { code?: unknown; cause?: { code?: unknown } }).code ??
      (error as { cause?: { code?: unknown } }).cause?.code;
    const timedOut =
      error instanceof Error && (error.name === "TimeoutError" || /timeout/i.test(String(code ?? error.message)));
    const why = timedOut ? "timed out" : typeof code === "string" ? `failed (${code})` : "failed";
    throw new NoAnswer(`${label}: request ${why}`, { cause: error });
  }
  if (status < 200 || status >= 300) throw new Error(`${label}: answered ${status}${text ? ` (${text})` : ""}`);
}
