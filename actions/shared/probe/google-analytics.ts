/**
 * `google-analytics` probe: a one-row GA4 Data API `runReport` (POST
 * {apiUrl}/v1beta/properties/{id}:runReport), authenticated with a service-account key exchanged
 * for an access token (./google/token.ts) instead of a static bearer token that expires after an
 * hour. With `quota`, the answer's `propertyQuota` becomes `value`: the percentage of that quota
 * consumed. A 429 (RESOURCE_EXHAUSTED) is throttled: degraded, never down.
 */
import type { GoogleAnalyticsProbeConfig } from "../config/schema/index.ts";
import { openSession, parseJson } from "./api/request.ts";
import { createTokenCache, DEFAULT_TOKEN_URL, parseServiceAccount, type TokenCache } from "./google/token.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";
import { retryAfterMs, throttledSample } from "./throttle.ts";

export const ANALYTICS_SCOPE = "https://www.googleapis.com/auth/analytics.readonly";

export function createGoogleAnalyticsProbe(
  tokens: TokenCache = createTokenCache(),
): ProbeKind<GoogleAnalyticsProbeConfig> {
  return async (probe, opts, deps) => {
    const at = deps.clock.now().toISOString();
    const session = openSession(opts);
    let statusCode: number | undefined;
    let firstByte: number | undefined;
    const hidden: string[] = [];
    const sample = (rest: Omit<Sample, "at" | "timings">): Sample => {
      const out: Sample = {
        at,
        timings: { ...(firstByte !== undefined && { firstByte }), total: session.elapsed() },
        ...(statusCode !== undefined && { statusCode }),
        ...rest,
      };
      if (out.failure) out.failure = hide(out.failure, hidden);
      return out;
    };
    const fail = (failure: Failure) => sample({ ok: false, failure });
    try {
      const parsed = parseServiceAccount(probe.serviceAccount);
      if ("failure" in parsed) return fail(parsed.failure);
      const { key } = parsed;
      hidden.push(key.privateKey);
      if (!/^\d+$/.test(probe.property))
        return fail({
          kind: "protocol",
          detail: "the property id is not digits; expected the GA4 property number (Admin → Property details)",
        });
      const tokenUrl = probe.tokenUrl ?? key.tokenUri ?? DEFAULT_TOKEN_URL;
      const token = await tokens.get(key, ANALYTICS_SCOPE, tokenUrl, session, deps.clock);
      if (!token.ok) return fail(token.failure);
      hidden.push(token.token);

      const url = `${probe.apiUrl.replace(/\/+$/, "")}/v1beta/properties/${probe.property}:runReport`;
      const body = JSON.stringify({
        dateRanges: [{ startDate: "today", endDate: "today" }],
        metrics: [{ name: probe.metric }],
        limit: 1,
        returnPropertyQuota: probe.quota !== undefined,
      });
      const out = await session.request({
        method: "POST",
        url,
        headers: {
          authorization: `Bearer ${token.token}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body,
      });
      if (!out.ok) return fail(out.failure);
      const res = out.response;
      statusCode = res.status;
      firstByte = res.firstByteMs;
      const error = googleError(res.text);
      if (res.status === 401) {
        tokens.drop(key, ANALYTICS_SCOPE, tokenUrl);
        return fail({
          kind: "auth",
          status: 401,
          detail: `the Data API refused the access token${error ? ` (${error})` : ""}`,
        });
      }
      if (res.status === 403)
        return fail({
          kind: "auth",
          status: 403,
          detail: `${key.clientEmail} may not read property ${probe.property}${error ? ` (${error})` : ""}; add it as a Viewer in GA Admin → Property access management`,
        });
      if (res.status === 429)
        return sample(throttledSample(429, retryAfterMs(res.headers, deps.clock.now()), "the GA Data API"));
      if (res.status !== 200) return fail({ kind: "status", expected: "200", found: res.status });
      const json = parseJson(res.text, "runReport answer");
      if ("failure" in json) return fail(json.failure);
      const report = json.value as Record<string, unknown> | null;
      if (report?.kind !== "analyticsData#runReport") {
        return fail({
          kind: "assertion",
          assertion: "runReport kind",
          expected: '"analyticsData#runReport"',
          found: JSON.stringify(report?.kind ?? null),
        });
      }
      if (!probe.quota) return sample({ ok: true });
      const used = quotaUsed(report.propertyQuota, probe.quota);
      if ("problem" in used) return sample({ ok: true, warning: used.problem });
      return sample({ ok: true, value: used.value });
    } finally {
      await session.close();
    }
  };
}

/** The kind with its own token cache: one token per key and run. */
export const googleAnalyticsKind: ProbeKind<GoogleAnalyticsProbeConfig> = createGoogleAnalyticsProbe();

/** `propertyQuota.<name>: { consumed, remaining }` as the percentage consumed. */
export function quotaUsed(quota: unknown, name: string): { value: number } | { problem: string } {
  const q = (quota as Record<string, { consumed?: unknown; remaining?: unknown }> | undefined)?.[name];
  const consumed = Number(q?.consumed ?? 0);
  const remaining = Number(q?.remaining);
  if (!q || !Number.isFinite(remaining) || !Number.isFinite(consumed))
    return { problem: `the answer has no propertyQuota.${name}` };
  const total = consumed + remaining;
  return { value: total === 0 ? 100 : Math.round((consumed / total) * 10_000) / 100 };
}

/** Google's error envelope `{ error: { code, message, status } }` as "STATUS: message". */
function googleError(text: string): string | undefined {
  try {
    const e = (JSON.parse(text) as { error?: { status?: unknown; message?: unknown } }).error;
    if (!e) return undefined;
    return [e.status, e.message].filter((x) => typeof x === "string").join(": ") || undefined;
  } catch {
    return undefined; // not Google's envelope; the status says enough
  }
}

function hide(failure: Failure, hidden: readonly string[]): Failure {
  return Object.fromEntries(
    Object.entries(failure).map(([k, v]) => [
      k,
      typeof v === "string" ? hidden.reduce((t, h) => (h ? t.split(h).join("***") : t), v) : v,
    ]),
  ) as Failure;
}
