import { describe, expect, it } from "vitest";
import { manualClock, systemClock } from "../../actions/shared/clock.ts";
import { OpsConfig, type OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { probeFleet, probeService } from "../../actions/shared/probe/engine.ts";
import type { ProbeKinds } from "../../actions/shared/probe/kind.ts";
import { closedAfterEach, startHttp } from "./server.ts";
import { T0 } from "./helpers.ts";

const serve = closedAfterEach();

function config(services: OpsConfigInput["services"], defaults: OpsConfigInput["defaults"] = {}): OpsConfig {
  return OpsConfig.parse({ services, defaults: { samples: 1, sampleSpacing: 0, ...defaults } });
}
const http = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  probe: { type: "http" as const, url, ...extra },
});

/** A server that holds every answer `delayMs` and remembers the most requests it held at once. */
async function slowServer(delayMs: number) {
  const stats = { inFlight: 0, maxInFlight: 0, served: 0 };
  const server = await serve(
    startHttp((_req, res) => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      setTimeout(() => {
        stats.inFlight--;
        stats.served++;
        res.end("ok");
      }, delayMs);
    }),
  );
  return { server, stats };
}

describe("probeFleet: concurrency", () => {
  it("never has more requests in flight than the limit, and reaches it", async () => {
    const { server, stats } = await slowServer(400);
    const services = Array.from({ length: 8 }, (_, i) => http(`s${i}`, `${server.url}/s${i}`));
    const finished: string[] = [];
    const results = await probeFleet({
      config: config(services, { concurrency: 3 }),
      clock: systemClock,
      env: {},
      redactor: createRedactor(),
      onResult: (r) => finished.push(r.serviceId),
    });
    expect(stats).toMatchObject({ maxInFlight: 3, served: 8 });
    expect([...finished].sort()).toEqual(services.map((s) => s.id).sort());
    expect(results.map((r) => r.serviceId)).toEqual(services.map((s) => s.id));
    expect(results.every((r) => r.metrics.successRate === 100)).toBe(true);
  });

  it("probes the whole fleet at once when the limit allows: the run follows the slowest service", async () => {
    const { server, stats } = await slowServer(400);
    const services = Array.from({ length: 8 }, (_, i) => http(`s${i}`, `${server.url}/s${i}`));
    await probeFleet({
      config: config(services, { concurrency: 16 }),
      clock: systemClock,
      env: {},
      redactor: createRedactor(),
    });
    expect(stats.maxInFlight).toBe(8);
  });
});

describe("probeService: samples and metrics", () => {
  it("takes `samples` requests spaced on the injected clock and summarizes them", async () => {
    let n = 0;
    const server = await serve(startHttp((_req, res) => res.writeHead(++n === 2 ? 503 : 200).end()));
    const clock = manualClock(T0);
    const cfg = config([http("api", server.url, { expect: { status: [200] } })], { samples: 4, sampleSpacing: 500 });
    const result = await probeService({
      service: cfg.services[0]!,
      defaults: cfg.defaults,
      clock,
      env: {},
      redactor: createRedactor(),
      confirm: false,
    });
    expect(result).toMatchObject({ serviceId: "api", type: "http", startedAt: T0, attempts: 1, durationMs: 1500 });
    expect(result.samples.map((s) => s.ok)).toEqual([true, false, true, true]);
    expect(result.metrics).toMatchObject({ successRate: 75, okCount: 3, count: 4, statusCodes: [200, 503] });
    expect(result.metrics.lastFailure).toEqual({ kind: "status", expected: "200", found: 503 });
    const ok = result.samples
      .filter((s) => s.ok)
      .map((s) => s.timings.total)
      .sort((a, b) => a - b);
    expect(result.metrics.p50).toBe(ok[1]);
    expect(result.metrics.max).toBe(ok[2]);
  });

  it("passes a sample's warning and value through to the metrics", async () => {
    const kinds: ProbeKinds = {
      http: async (_p, _o, { clock }) => ({
        at: clock.now().toISOString(),
        ok: true,
        timings: { total: 5 },
        value: 7,
        warning: "2 of 3 machines failing",
      }),
    };
    const results = await probeFleet({
      config: config([http("fly", "http://x.invalid/")]),
      kinds,
      clock: manualClock(T0),
      env: {},
      redactor: createRedactor(),
    });
    expect(results[0]!.metrics).toMatchObject({ warning: "2 of 3 machines failing", value: 7, p50: 5 });
  });

  it("a kind that throws (a bug) costs that service only, with the crash as its reason", async () => {
    const kinds: ProbeKinds = { http: async () => Promise.reject(new Error("boom")) };
    const [result] = await probeFleet({
      config: config([http("x", "http://x.invalid/")]),
      kinds,
      clock: manualClock(T0),
      env: {},
      redactor: createRedactor(),
    });
    expect(result!.metrics.lastFailure).toMatchObject({ kind: "protocol", detail: expect.stringContaining("boom") });
  });

  it("a kind that never returns (a bug) is given up after its timeout plus a grace", async () => {
    const kinds: ProbeKinds = { http: () => new Promise(() => undefined) };
    const cfg = config([{ ...http("x", "http://x.invalid/"), timeout: 50 }], { confirmWindow: 0 });
    const [result] = await probeFleet({
      config: cfg,
      kinds,
      clock: manualClock(T0),
      env: {},
      redactor: createRedactor(),
    });
    expect(result!.metrics.lastFailure).toEqual({
      kind: "protocol",
      detail: "the http probe did not return within 100 ms (a bug, please report it)",
    });
  });

  it("a probe type missing from the registry is inconclusive, not a crash", async () => {
    const cfg = config([{ id: "db", name: "db", probe: { type: "postgres" as const, url: "postgres://x" } }]);
    const [result] = await probeFleet({
      config: cfg,
      kinds: {},
      clock: manualClock(T0),
      env: {},
      redactor: createRedactor(),
    });
    expect(result).toMatchObject({ attempts: 0, samples: [], inconclusive: { kind: "protocol" } });
  });
});

describe("probeFleet: secrets", () => {
  const SECRET = "s3cr3t value/with+symbols";

  it("a missing secret makes that service inconclusive without probing it; others run; no secret value leaks", async () => {
    const requests: string[] = [];
    // Echoes what it was sent, so any unredacted secret would land in a failure detail.
    const server = await serve(
      startHttp((req, res) => {
        requests.push(req.url!);
        if (req.url!.startsWith("/loop")) return res.writeHead(302, { location: req.url }).end();
        if (req.url!.startsWith("/json")) return res.end(JSON.stringify({ token: req.headers["x-token"] }));
        res.end(`echo ${req.headers["x-token"]} ${req.url}`);
      }),
    );
    const cfg = config([
      http("shopify", `${server.url}/admin/shop.json`, { headers: { "X-Shopify-Access-Token": "${SHOPIFY_TOKEN}" } }),
      http("echo", `${server.url}/e/\${API_TOKEN}`, {
        headers: { "x-token": "${API_TOKEN}" },
        expect: { json: [{ path: "ok", exists: true }] },
      }),
      http("loop", `${server.url}/loop/\${API_TOKEN}`),
      http("json", `${server.url}/json`, {
        headers: { "x-token": "${API_TOKEN}" },
        expect: { json: [{ path: "token", equals: "expected" }] },
      }),
      http("plain", `${server.url}/plain`),
    ]);
    const results = await probeFleet({
      config: cfg,
      clock: manualClock(T0),
      env: { API_TOKEN: SECRET },
      redactor: createRedactor(),
    });
    const byId = Object.fromEntries(results.map((r) => [r.serviceId, r]));

    expect(byId.shopify).toMatchObject({
      attempts: 0,
      samples: [],
      inconclusive: { kind: "missing-secret", name: "SHOPIFY_TOKEN" },
    });
    expect(requests.some((u) => u.startsWith("/admin"))).toBe(false);
    expect(byId.plain!.metrics.successRate).toBe(100);
    expect(byId.echo!.metrics.lastFailure?.kind).toBe("invalid-json");
    expect(byId.loop!.metrics.lastFailure).toEqual({
      kind: "redirects",
      detail: `loop: 127.0.0.1:${server.port}/loop/*** → 127.0.0.1:${server.port}/loop/***`,
    });
    expect(byId.json!.metrics.lastFailure).toEqual({
      kind: "assertion",
      assertion: "json token equals",
      expected: '"expected"',
      found: '"***"',
    });

    const out = JSON.stringify(results);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encodeURIComponent(SECRET));
  });
});

describe("probeService: confirmation", () => {
  const flaky = async (failures: number, status = 503) => {
    let n = 0;
    const server = await serve(startHttp((_req, res) => res.writeHead(++n <= failures ? status : 200).end()));
    return { server, count: () => n };
  };
  const run = (url: string, clock = manualClock(T0), extra: Record<string, unknown> = {}) => {
    const cfg = config([http("svc", url, extra)], { retryDelay: 5_000, confirmWindow: 120_000 });
    return probeService({
      service: cfg.services[0]!,
      defaults: cfg.defaults,
      clock,
      env: {},
      redactor: createRedactor(),
    });
  };

  it("re-probes with doubling backoff until the service recovers", async () => {
    const { server, count } = await flaky(2);
    const clock = manualClock(T0);
    const result = await run(server.url, clock);
    expect(result.attempts).toBe(3);
    expect(count()).toBe(3);
    // Every attempt's samples count (issue 11): 1 of 3 succeeded in the run; the final attempt did.
    expect(result.metrics).toMatchObject({
      successRate: (1 / 3) * 100,
      okCount: 1,
      count: 3,
      lastFailure: { kind: "status", found: 503 },
    });
    expect(result.samples.map((s) => s.ok)).toEqual([false, false, true]);
    expect(result.lastAttempt).toEqual({ okCount: 1, count: 1 });
    expect(clock.now().getTime() - Date.parse(T0)).toBe(5_000 + 10_000);
  });

  it("gives up when the confirmation window has passed, the last wait cut to the window's end", async () => {
    const { server, count } = await flaky(1_000);
    const clock = manualClock(T0);
    const result = await run(server.url, clock);
    // Waits 5 + 10 + 20 + 40 s, then 45 s to reach 120 s: six attempts.
    expect(result.attempts).toBe(6);
    expect(count()).toBe(6);
    expect(result.durationMs).toBe(120_000);
    expect(result.metrics).toMatchObject({
      successRate: 0,
      okCount: 0,
      count: 6,
      lastFailure: { kind: "status", found: 503 },
    });
    expect(result.lastAttempt).toEqual({ okCount: 0, count: 1 });
  });

  it("stops after 12 attempts even when the window cannot close (retryDelay 0 on a manual clock)", async () => {
    const { server, count } = await flaky(1_000);
    const cfg = config([http("svc", server.url)], { retryDelay: 0, confirmWindow: 120_000 });
    const result = await probeService({
      service: cfg.services[0]!,
      defaults: cfg.defaults,
      clock: manualClock(T0),
      env: {},
      redactor: createRedactor(),
    });
    expect(result.attempts).toBe(12);
    expect(count()).toBe(12);
  });

  it("does not retry a healthy service or an inconclusive one", async () => {
    const healthy = await flaky(0);
    expect((await run(healthy.server.url)).attempts).toBe(1);
    const auth = await flaky(1_000, 401);
    const result = await run(auth.server.url, manualClock(T0), { headers: { Authorization: "Bearer rotated" } });
    expect(result).toMatchObject({ attempts: 1, inconclusive: { kind: "auth", status: 401 } });
    expect(auth.count()).toBe(1);
  });

  it("uses the service's red success threshold: one failure in three is not 'down' at red 30 %", async () => {
    const { server, count } = await flaky(1);
    const cfg = config([{ ...http("svc", server.url), thresholds: { successRate: { yellow: 90, red: 30 } } }], {
      samples: 3,
      retryDelay: 5_000,
    });
    const result = await probeService({
      service: cfg.services[0]!,
      defaults: cfg.defaults,
      clock: manualClock(T0),
      env: {},
      redactor: createRedactor(),
    });
    expect(result).toMatchObject({ attempts: 1, metrics: { okCount: 2, count: 3 } });
    expect(count()).toBe(3);
  });
});
