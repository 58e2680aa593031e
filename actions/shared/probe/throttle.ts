/**
 * Throttling (HTTP 429) is its own outcome, not an outage: the provider is up and telling us to
 * slow down (Shopify's leaky bucket, Fly's Machines API, RDAP registries). A throttled sample is
 * `ok` with a warning (degraded at most, never down) and carries the server's retry hint; the
 * engine sends no further samples to that service in the run.
 */
import type { ResponseHeaders } from "./http/headers.ts";
import { headerValue } from "./http/headers.ts";
import type { Sample } from "./result.ts";

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(headers: ResponseHeaders, now: Date): number | undefined {
  const raw = headerValue(headers, "retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** The sample fields of a throttled answer. */
export function throttledSample(
  status: number,
  retryMs: number | undefined,
  what = "the service",
): Pick<Sample, "ok" | "throttled" | "warning"> {
  const hint = retryMs === undefined ? "no Retry-After given" : `retry after ${formatRetry(retryMs)}`;
  return {
    ok: true,
    throttled: { status, ...(retryMs !== undefined && { retryAfterMs: retryMs }) },
    warning: `throttled: ${what} answered ${status} (${hint})`,
  };
}

function formatRetry(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
