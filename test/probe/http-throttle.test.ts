/**
 * Shopify's rate limiting against a loopback Admin API lookalike: header assertions, the call-limit
 * bucket read from a header as a value with thresholds, and a 429 with Retry-After rated
 * `throttled` (degraded with the hint, never down), through the engine and the evaluation.
 */
import { describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { errorsOf } from "../../actions/shared/config/test-yaml.ts";
import { evaluate } from "../../actions/shared/evaluate/index.ts";
import { httpProbe } from "../../actions/shared/probe/http.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import { retryAfterMs } from "../../actions/shared/probe/throttle.ts";
import { closedAfterEach, startHttp } from "./server.ts";
import { T0, deps, httpConfig, opts } from "./helpers.ts";

const serve = closedAfterEach();

/** A shop whose bucket holds `used()` of 40 calls; past 40 it answers 429 with `retryAfter`. */
async function shop(used: () => number, retryAfter = "2") {
  const seen: string[] = [];
  const server = await serve(
    startHttp((req, res) => {
      seen.push(String(req.headers["x-shopify-access-token"]));
      const n = used();
      if (n > 40) {
        res.writeHead(429, {
          "content-type": "application/json",
          "retry-after": retryAfter,
          "x-shopify-shop-api-call-limit": "40/40",
        });
        return res.end(
          '{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}',
        );
      }
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "x-shopify-shop-api-call-limit": `${n}/40`,
        "x-request-id": "abc-123",
      });
      res.end(JSON.stringify({ shop: { id: 1, name: "Hot Rod Dash", pending: "7" } }));
    }),
  );
  return { server, seen };
}

const shopProbe = (url: string, extra: Record<string, unknown> = {}) =>
  httpConfig({
    url,
    headers: { "X-Shopify-Access-Token": "shpat_secret" },
    value: { header: "X-Shopify-Shop-Api-Call-Limit", parse: "fraction" },
    ...extra,
  });

describe("http: header assertions", () => {
  it("passes equals, contains, matches and exists, and names the first that fails", async () => {
    const { server } = await shop(() => 3);
    const ok = await httpProbe(
      httpConfig({
        url: server.url,
        expect: {
          headers: [
            { name: "content-type", contains: "application/json" },
            { name: "X-Shopify-Shop-Api-Call-Limit", matches: "^\\d+/40$" },
            { name: "X-Request-Id", equals: "abc-123" },
            { name: "Set-Cookie", exists: false },
          ],
        },
      }),
      opts(),
      deps(),
    );
    expect(ok).toMatchObject({ ok: true, statusCode: 200 });

    const bad = await httpProbe(
      httpConfig({
        url: server.url,
        expect: {
          headers: [
            { name: "X-Request-Id", exists: true },
            { name: "Content-Type", equals: "text/html" },
          ],
        },
      }),
      opts(),
      deps(),
    );
    expect(bad.failure).toEqual({
      kind: "assertion",
      assertion: "header Content-Type equals",
      expected: '"text/html"',
      found: '"application/json; charset=utf-8"',
    });
    const absent = await httpProbe(
      httpConfig({ url: server.url, expect: { headers: [{ name: "X-Frame-Options", matches: "DENY" }] } }),
      opts(),
      deps(),
    );
    expect(absent.failure).toMatchObject({ assertion: "header X-Frame-Options matches", found: "absent" });
  });
});

describe("http: a value read from the answer", () => {
  it("reads Shopify's call-limit bucket as a percentage, a plain number, or a JSON path", async () => {
    const { server } = await shop(() => 32);
    expect(await httpProbe(shopProbe(server.url), opts(), deps())).toMatchObject({ ok: true, value: 80 });
    const number = await httpProbe(
      httpConfig({ url: server.url, value: { header: "x-shopify-shop-api-call-limit" } }),
      opts(),
      deps(),
    );
    expect(number.value).toBe(32);
    const json = await httpProbe(httpConfig({ url: server.url, value: { json: "shop.pending" } }), opts(), deps());
    expect(json.value).toBe(7);
  });

  it("an absent or unreadable header is a warning on a good sample, not a failure", async () => {
    const { server } = await shop(() => 5);
    const s = await httpProbe(httpConfig({ url: server.url, value: { header: "X-Missing" } }), opts(), deps());
    expect(s).toMatchObject({ ok: true, warning: "value: header X-Missing is absent" });
    expect(s.value).toBeUndefined();
    const t = await httpProbe(
      httpConfig({ url: server.url, value: { header: "X-Request-Id", parse: "fraction" } }),
      opts(),
      deps(),
    );
    expect(t.warning).toBe('value: header X-Request-Id is "abc-123", not "used/limit" like "32/40"');
  });
});

describe("http: throttling (429 with Retry-After)", () => {
  it("is a good sample with the hint, not a failure; listing 429 or throttle: false opts out", async () => {
    const { server } = await shop(() => 41);
    const s = await httpProbe(shopProbe(server.url), opts(), deps());
    expect(s).toMatchObject({ ok: true, statusCode: 429, throttled: { status: 429, retryAfterMs: 2000 }, value: 100 });
    expect(s.warning).toBe("throttled: the service answered 429 (retry after 2 s)");
    expect(s.failure).toBeUndefined();

    const strict = await httpProbe(shopProbe(server.url, { throttle: false }), opts(), deps());
    expect(strict).toMatchObject({ ok: false, failure: { kind: "status", found: 429 } });
    const listed = await httpProbe(shopProbe(server.url, { expect: { status: [200, 429] } }), opts(), deps());
    expect(listed.throttled).toBeUndefined();
    expect(listed.ok).toBe(true);
  });

  it("reads Retry-After as seconds or as an HTTP date by the injected clock", () => {
    const now = new Date(T0);
    expect(retryAfterMs({ "retry-after": "2.5" }, now)).toBe(2500);
    expect(retryAfterMs({ "Retry-After": new Date(now.getTime() + 30_000).toUTCString() }, now)).toBe(30_000);
    expect(retryAfterMs({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it("through the engine: one request, then no more this run; degraded with the hint, never down", async () => {
    let calls = 0;
    const { server, seen } = await shop(() => (++calls === 1 ? 41 : 10));
    const config = OpsConfig.parse({
      defaults: { samples: 3, sampleSpacing: 0, retryDelay: 0, confirmWindow: "2m" },
      services: [
        {
          id: "shopify-admin",
          name: "Shopify Admin API",
          probe: {
            type: "http",
            url: server.url,
            headers: { "X-Shopify-Access-Token": "${SHOPIFY_ADMIN_TOKEN}" },
            value: { header: "X-Shopify-Shop-Api-Call-Limit", parse: "fraction" },
          },
          thresholds: { value: { yellow: 80, red: 99, unit: "% of the API call limit" } },
        },
      ],
    });
    const env = { SHOPIFY_ADMIN_TOKEN: "shpat_live_secret" };
    const results = await probeFleet({ config, clock: manualClock(T0), env, redactor: createRedactor() });
    expect(seen).toEqual(["shpat_live_secret"]);
    expect(results[0]).toMatchObject({ attempts: 1, metrics: { successRate: 100, statusCodes: [429], value: 100 } });
    const now = new Date(T0);
    const { latest } = evaluate({ config, results, now, run: { startedAt: now, finishedAt: now } });
    expect(latest.services["shopify-admin"]).toMatchObject({ status: "degraded", ratings: { value: "red" } });
    expect(latest.services["shopify-admin"]!.reason).toBe(
      "value 100 % of the API call limit > 99 % of the API call limit; throttled: the service answered 429 (retry after 2 s)",
    );
    expect(JSON.stringify({ results, latest })).not.toContain("shpat_live_secret");
  });
});

describe("ops validate: the new http fields", () => {
  it("names each wrong header assertion, value source and misplaced threshold", () => {
    const yaml = `services:
  - id: shop
    name: Shop
    probe:
      type: http
      url: https://x.dev
      expect:
        headers:
          - { name: X-Limit, equal: "1" }
      value: { header: X-Shopify-Shop-Api-Call-Limit, parse: ratio }
  - id: other
    name: Other
    probe: { type: http, url: "https://x.dev", value: { json: "a..b" }, expect: { headers: [{ name: X-A, matches: "([" }] } }
  - id: plain
    name: Plain
    probe: { type: http, url: "https://x.dev" }
    thresholds: { value: { red: 5 } }
`;
    const errors = errorsOf(yaml).map((e) => `${e.path}: ${e.message}`);
    expect(errors).toEqual([
      "services[0].probe.expect.headers[0].equals: expected a string, found nothing (the key is missing) — a required key is missing",
      'services[0].probe.expect.headers[0].equal: unknown key "equal" — did you mean "equals"? (allowed here: name, equals)',
      'services[0].probe.value.parse: expected one of "number", "fraction", found "ratio"',
      expect.stringMatching(
        /^services\[1\]\.probe\.value\.json: expected a JSON path such as "checks\[0\]\.state", found "a\.\.b"/,
      ),
      expect.stringMatching(
        /^services\[1\]\.probe\.expect\.headers\[0\]\.matches: expected a valid regular expression, found "\(\[" \(Invalid regular expression/,
      ),
      expect.stringMatching(
        /^services\[2\]\.thresholds\.value: expected a probe that reads a value \(postgres, prometheus, domain, google-analytics with quota, or http with probe\.value\)/,
      ),
    ]);
  });
});
