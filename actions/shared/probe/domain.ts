/**
 * `domain` probe: a domain's registration expiry through RDAP (RFC 9082 query, RFC 9083 answer).
 * GET {rdapUrl}/domain/{name}, following the bootstrap redirect to the registry; the `expiration`
 * event becomes `value` = whole days left (by the injected clock), rated by
 * `thresholds.value { direction: below }` like certificate days. Registry statuses that mean the
 * name no longer resolves or is being deleted (hold, redemption, pending delete) fail the sample.
 */
import type { DomainProbeConfig } from "../config/schema/index.ts";
import { header, openSession, parseJson, type ApiResponse } from "./api/request.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";
import { retryAfterMs, throttledSample } from "./throttle.ts";

const MAX_REDIRECTS = 5;
const DAY_MS = 86_400_000;
/** RFC 9083 §10.2.2 statuses after which the domain does not work (hold) or is about to be lost. */
const BROKEN_STATUSES = [
  "client hold",
  "server hold",
  "redemption period",
  "pending delete",
  "pending restore",
  "inactive",
];

export const domainKind: ProbeKind<DomainProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const session = openSession(opts);
  let statusCode: number | undefined;
  let firstByte: number | undefined;
  const sample = (rest: Omit<Sample, "at" | "timings">): Sample => ({
    at,
    timings: { ...(firstByte !== undefined && { firstByte }), total: session.elapsed() },
    ...(statusCode !== undefined && { statusCode }),
    ...rest,
  });
  const fail = (failure: Failure) => sample({ ok: false, failure });
  try {
    const name = probe.domain.toLowerCase().replace(/\.$/, "");
    let url = `${probe.rdapUrl.replace(/\/+$/, "")}/domain/${encodeURIComponent(name)}`;
    let res: ApiResponse | undefined;
    for (let hop = 0; ; hop++) {
      const out = await session.request({ url, headers: { accept: "application/rdap+json, application/json" } });
      if (!out.ok) return fail(out.failure);
      res = out.response;
      firstByte ??= res.firstByteMs;
      statusCode = res.status;
      const location = header(res, "location");
      if (res.status < 300 || res.status > 399 || !location) break;
      if (hop + 1 > MAX_REDIRECTS)
        return fail({ kind: "redirects", detail: `more than ${MAX_REDIRECTS} RDAP redirects` });
      url = new URL(location, url).href;
    }
    if (res.status === 429)
      return sample(throttledSample(429, retryAfterMs(res.headers, deps.clock.now()), "the RDAP server"));
    if (res.status === 404) {
      return fail({
        kind: "assertion",
        assertion: `RDAP knows ${name}`,
        expected: "a registered domain",
        found: "404: the registry has no such domain (not registered, or lapsed)",
      });
    }
    if (res.status < 200 || res.status > 299) return fail({ kind: "status", expected: "2xx", found: res.status });
    const json = parseJson(res.text, "RDAP answer");
    if ("failure" in json) return fail(json.failure);
    const read = readExpiry(json.value, name);
    if ("failure" in read) return fail(read.failure);
    const days = Math.floor((read.expires.getTime() - deps.clock.now().getTime()) / DAY_MS);
    const broken = read.status.filter((s) => BROKEN_STATUSES.includes(s.toLowerCase()));
    if (broken.length) {
      return sample({
        ok: false,
        value: days,
        failure: {
          kind: "assertion",
          assertion: `${name} status`,
          expected: "active (no hold, redemption or pending delete)",
          found: broken.join(", "),
        },
      });
    }
    return sample({ ok: true, value: days });
  } finally {
    await session.close();
  }
};

/** The domain object's `expiration` event and statuses, naming the first thing that is not RFC 9083. */
export function readExpiry(body: unknown, name: string): { expires: Date; status: string[] } | { failure: Failure } {
  const bad = (detail: string) => ({ failure: { kind: "protocol" as const, detail: `RDAP answer: ${detail}` } });
  if (!body || typeof body !== "object" || Array.isArray(body)) return bad("expected a JSON object");
  const o = body as Record<string, unknown>;
  if (o.objectClassName !== "domain")
    return bad(`objectClassName is ${JSON.stringify(o.objectClassName)}, expected "domain"`);
  if (o.events !== undefined && !Array.isArray(o.events)) return bad("events is not a list");
  const events = (o.events ?? []) as unknown[];
  const expiration = events.find((e) => (e as { eventAction?: unknown } | null)?.eventAction === "expiration") as
    | { eventDate?: unknown }
    | undefined;
  if (!expiration)
    return { failure: { kind: "no-data", detail: `the registry publishes no expiration event for ${name}` } };
  const date = typeof expiration.eventDate === "string" ? new Date(expiration.eventDate) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    return bad(`the expiration eventDate ${JSON.stringify(expiration.eventDate)} is not an RFC 3339 date`);
  const status = Array.isArray(o.status) ? o.status.filter((s): s is string => typeof s === "string") : [];
  return { expires: date, status };
}
