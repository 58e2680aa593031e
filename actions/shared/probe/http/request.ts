import type { Dispatcher } from "undici";
import type { HttpProbeConfig } from "../../config/schema/index.ts";
import { elapsed, probeError, type Tracker } from "./tracker.ts";

/** Statuses that carry a Location to follow. 304 is an answer, not a redirect. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/**
 * Request headers kept when a redirect leaves the origin: only the harmless ones. Anything else
 * (Authorization, API keys, cookies) may hold a secret meant for the first origin alone.
 */
const CROSS_ORIGIN_SAFE = new Set(["accept", "accept-language", "user-agent"]);

export interface Exchange {
  response: Dispatcher.ResponseData;
  url: URL;
}

/**
 * Sends the request and follows redirects by hand (never undici's interceptor) so that a loop and
 * a too-long chain are told apart and reported with the chain they took.
 */
/** The sample's connection to one origin (one undici Client per origin, made on first use). */
export type ClientFor = (origin: string) => Dispatcher;

export async function exchange(
  clientFor: ClientFor,
  probe: HttpProbeConfig,
  headers: Record<string, string>,
  tracker: Tracker,
  signal: AbortSignal,
): Promise<Exchange> {
  let url = new URL(probe.url);
  let method: string = probe.method;
  let body = probe.body;
  let sent = headers;
  const chain = [url.href];
  for (let hop = 0; ; hop++) {
    tracker.phase = "firstByte";
    const response = await clientFor(url.origin).request({
      path: `${url.pathname}${url.search}`,
      method: method as Dispatcher.HttpMethod,
      headers: sent,
      ...(body !== undefined && method !== "GET" && method !== "HEAD" ? { body } : {}),
      signal,
    });
    tracker.marks.firstByte = elapsed(tracker);
    const location = response.headers.location;
    if (probe.redirects === 0 || !REDIRECT_STATUSES.has(response.statusCode) || typeof location !== "string") {
      return { response, url };
    }
    // A redirect body is small by nature; past 64 KiB dump() closes the connection instead.
    await response.body.dump({ limit: 65_536, signal });
    const next = new URL(location, url);
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw probeError({ kind: "redirects", detail: `redirect to unsupported ${next.protocol} URL` });
    }
    if (chain.includes(next.href)) {
      throw probeError({ kind: "redirects", detail: `loop: ${[...chain, next.href].map(shortUrl).join(" → ")}` });
    }
    chain.push(next.href);
    if (hop + 1 > probe.redirects) {
      throw probeError({
        kind: "redirects",
        detail: `more than ${probe.redirects} redirects (${chain.map(shortUrl).join(" → ")})`,
      });
    }
    // Browsers' rule: 303 always becomes GET, and 301/302 turn a POST into a GET; 307/308 keep both.
    if (
      response.statusCode === 303 ||
      ((response.statusCode === 301 || response.statusCode === 302) && method === "POST")
    ) {
      if (method !== "HEAD") method = "GET";
      body = undefined;
    }
    if (next.origin !== url.origin) {
      sent = Object.fromEntries(Object.entries(sent).filter(([k]) => CROSS_ORIGIN_SAFE.has(k.toLowerCase())));
    }
    url = next;
  }
}

/**
 * Enough of a URL to follow a chain in one line. Query strings may hold tokens, so they go; the
 * path is shown decoded, so a secret in it has its plain form, the one the redactor knows.
 */
function shortUrl(href: string): string {
  const u = new URL(href);
  return `${u.host}${safeDecode(u.pathname)}${u.search ? "?…" : ""}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed escape (e.g. "%zz") has no decoded form; show it as it came.
    return text;
  }
}
