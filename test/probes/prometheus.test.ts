import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigOrThrow } from "../../actions/shared/config/load.ts";
import { manualClock } from "../../actions/shared/clock.ts";
import { PrometheusProbe } from "../../actions/shared/config/schema/probes.ts";
import type { SampleOptions } from "../../actions/shared/probe/kind.ts";
import { prometheusKind, worstSeries } from "../../actions/shared/probe/prometheus.ts";
import { startExporter, startMetricsApi, type Exporter } from "../../emulators/metrics.ts";
import { freePort } from "../servers/postgres.ts";
import { startPrometheus, type TestPrometheus } from "../servers/prometheus.ts";
import { ensurePrometheus, skipWithout } from "../servers/provision.ts";
import { isHotDashConfig } from "../default-config.ts";

// Installs Debian's prometheus once when missing and root; skipped loudly when impossible.
const skip = skipWithout(await ensurePrometheus(), "test/probes/prometheus.test.ts");

const opts: SampleOptions = { timeoutMs: 5_000, connectTimeoutMs: 2_000, maxBodyBytes: 1 << 20 };
const deps = { clock: manualClock("2026-11-22T16:00:00Z") };
const app = { app: "hotdash-production" };
// The infrastructure runbook's alerts, written against Fly's built-in metric names.
const ERROR_RATE = `100 * sum(rate(fly_edge_http_responses_count{app="hotdash-production",status=~"5.."}[10s])) / sum(rate(fly_edge_http_responses_count{app="hotdash-production"}[10s]))`;
const MEMORY = `100 * (1 - fly_instance_memory_mem_available{app="hotdash-production"} / fly_instance_memory_mem_total{app="hotdash-production"})`;

let exporter: Exporter;
let prom: TestPrometheus;

beforeAll(async () => {
  if (skip) return;
  exporter = await startExporter();
  exporter.set("fly_instance_memory_mem_total", { ...app, instance: "m1" }, 1000);
  exporter.set("fly_instance_memory_mem_available", { ...app, instance: "m1" }, 50);
  exporter.set("fly_instance_memory_mem_total", { ...app, instance: "m2" }, 1000);
  exporter.set("fly_instance_memory_mem_available", { ...app, instance: "m2" }, 600);
  exporter.grow("fly_edge_http_responses_count", { ...app, status: "200" }, 93);
  exporter.grow("fly_edge_http_responses_count", { ...app, status: "502" }, 7);
  flyMetrics(exporter);
  prom = await startPrometheus({ targets: [exporter.target] });
  // rate() needs two scrapes inside its window.
  await prom.waitFor(ERROR_RATE, (r) => r.length === 1 && Number(r[0]!.value[1]) > 0);
  await prom.waitFor(MEMORY, (r) => r.length === 2);
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await exporter?.close();
});

function probe(query: string, extra: Record<string, unknown> = {}) {
  return PrometheusProbe.parse({ type: "prometheus", url: prom.url, token: prom.token, query, ...extra });
}

describe.skipIf(skip)("prometheus probe against a real Prometheus", () => {
  it("reads the 5xx percentage over the runbook's 5 % threshold, sending the bearer token", async () => {
    const before = prom.authHeaders().length;
    const sample = await prometheusKind(probe(ERROR_RATE), opts, deps);
    expect(sample).toMatchObject({ ok: true, statusCode: 200, series: [{ labels: {} }] });
    expect(sample.value).toBeCloseTo(7, 6);
    expect(sample.value).toBeGreaterThan(5);
    expect(prom.authHeaders().slice(before)).toEqual([`Bearer ${prom.token}`]);
    expect(JSON.stringify(sample)).not.toContain(prom.token);
  });

  it("rates several series: no single value without an aggregation, the worst per direction, or the declared aggregate", async () => {
    const none = await prometheusKind(probe(MEMORY), opts, deps);
    expect(none.ok).toBe(true);
    expect(none.value).toBeUndefined();
    expect(none.series?.map((s) => [s.labels.instance, Math.round(s.value)]).sort()).toEqual([
      ["m1", 95],
      ["m2", 40],
    ]);
    expect(worstSeries(none.series!, "above")).toMatchObject({ labels: { instance: "m1" } });
    expect(worstSeries(none.series!, "below")).toMatchObject({ labels: { instance: "m2" } });

    expect((await prometheusKind(probe(MEMORY, { aggregate: "max" }), opts, deps)).value).toBeCloseTo(95, 6);
    expect((await prometheusKind(probe(MEMORY, { aggregate: "avg" }), opts, deps)).value).toBeCloseTo(67.5, 6);
    expect((await prometheusKind(probe(MEMORY, { aggregate: "min" }), opts, deps)).value).toBeCloseTo(40, 6);
  });

  it("follows the values the exporter serves", async () => {
    const chatwoot = MEMORY.replace(/hotdash-production/g, "hotdash-chatwoot");
    exporter.set("fly_instance_memory_mem_available", { app: "hotdash-chatwoot", instance: "c1" }, 250);
    exporter.set("fly_instance_memory_mem_total", { app: "hotdash-chatwoot", instance: "c1" }, 1000);
    await prom.waitFor(chatwoot, (r) => r.length === 1);
    expect((await prometheusKind(probe(chatwoot), opts, deps)).value).toBeCloseTo(75, 6);
    exporter.set("fly_instance_memory_mem_available", { app: "hotdash-chatwoot", instance: "c1" }, 80);
    await prom.waitFor(chatwoot, (r) => Number(r[0]?.value[1]) > 90);
    expect((await prometheusKind(probe(chatwoot), opts, deps)).value).toBeCloseTo(92, 6);
  });

  it("makes an empty result explicit: unknown (no data) by default, zero or down when configured", async () => {
    const q = 'fly_instance_memory_mem_total{app="no-such-app"}';
    expect(await prometheusKind(probe(q), opts, deps)).toMatchObject({
      ok: false,
      failure: { kind: "no-data", detail: "the query matched no series" },
    });
    expect(await prometheusKind(probe(q, { empty: "zero" }), opts, deps)).toMatchObject({ ok: true, value: 0 });
    expect(await prometheusKind(probe(q, { empty: "down" }), opts, deps)).toMatchObject({
      ok: false,
      failure: { kind: "assertion" },
    });
  });

  it("treats NaN series (a ratio with no traffic) as no data", async () => {
    const sample = await prometheusKind(
      probe('fly_instance_memory_mem_total{app="hotdash-production"} * 0 / 0'),
      opts,
      deps,
    );
    expect(sample.failure).toEqual({ kind: "no-data", detail: "all 2 series are NaN or infinite" });
  });

  it("reports a PromQL error with Prometheus's errorType and message", async () => {
    const sample = await prometheusKind(probe("sum(rate(fly_edge_http_responses_count[1m])"), opts, deps);
    expect(sample).toMatchObject({
      ok: false,
      statusCode: 400,
      failure: { kind: "query", detail: expect.stringMatching(/^Prometheus bad_data: .*parse error/) },
    });
  });

  it("reads a scalar, and refuses a range vector with advice", async () => {
    expect(
      (await prometheusKind(probe('scalar(sum(fly_instance_memory_mem_total{instance=~"m1|m2"}))'), opts, deps)).value,
    ).toBe(2000);
    const matrix = await prometheusKind(probe("fly_instance_memory_mem_total[1m]"), opts, deps);
    expect(matrix.failure).toMatchObject({ kind: "query", detail: expect.stringMatching(/range vector/) });
  });

  it("reports a refused token as auth (inconclusive), without the token", async () => {
    const sample = await prometheusKind(probe("up", { token: "rotated-token-value" }), opts, deps);
    expect(sample).toMatchObject({ ok: false, statusCode: 401, failure: { kind: "auth", status: 401 } });
    expect(JSON.stringify(sample)).not.toContain("rotated-token-value");
    expect(prom.authHeaders().at(-1)).toBe("Bearer rotated-token-value");
  });

  it("reports a Prometheus that is not running as refused", async () => {
    const port = await freePort();
    const sample = await prometheusKind(
      PrometheusProbe.parse({ type: "prometheus", url: `http://127.0.0.1:${port}`, query: "up" }),
      opts,
      deps,
    );
    expect(sample).toMatchObject({ ok: false, failure: { kind: "refused", address: `127.0.0.1:${port}` } });
  });
});

describe("prometheus probe against the simulated query API (the demo's metrics endpoint)", () => {
  it("answers canned series, requires the token, and reports non-Prometheus answers as protocol errors", async () => {
    const api = await startMetricsApi({
      token: "demo-token",
      answers: { cpu: { series: [{ labels: { instance: "a" }, value: 85 }] } },
    });
    try {
      const p = (query: string, token?: string) =>
        PrometheusProbe.parse({ type: "prometheus", url: `${api.url}/`, query, ...(token && { token }) });
      expect(await prometheusKind(p("cpu", "demo-token"), opts, deps)).toMatchObject({ ok: true, value: 85 });
      expect((await prometheusKind(p("cpu"), opts, deps)).failure).toMatchObject({ kind: "auth", status: 401 });
      api.answer("cpu", {
        error: { errorType: "timeout", error: "query timed out in expression evaluation", status: 503 },
      });
      expect((await prometheusKind(p("cpu", "demo-token"), opts, deps)).failure).toEqual({
        kind: "query",
        detail: "Prometheus timeout: query timed out in expression evaluation",
      });
      expect(api.queries()).toEqual(["cpu", "cpu"]);
    } finally {
      await api.close();
    }
  });
});

/**
 * The rest of Fly's built-in series the default config's alerts read, per scrape: staging traffic
 * (2 % 5xx), response-time histograms (p95 in the 1–5 s bucket), CPU seconds (85 % busy in
 * production, 30 % in staging) and staging memory (50 %).
 */
function flyMetrics(e: Exporter) {
  e.grow("fly_edge_http_responses_count", { app: "hotdash-staging", status: "200" }, 98);
  e.grow("fly_edge_http_responses_count", { app: "hotdash-staging", status: "503" }, 2);
  for (const name of ["hotdash-production", "hotdash-staging"]) {
    for (const [le, n] of [
      ["0.5", 50],
      ["1", 80],
      ["5", 100],
      ["10", 100],
      ["+Inf", 100],
    ] as const) {
      e.grow("fly_edge_http_response_time_seconds_bucket", { app: name, le }, n);
    }
  }
  e.grow("fly_instance_cpu", { app: "hotdash-production", instance: "m1", mode: "idle" }, 15);
  e.grow("fly_instance_cpu", { app: "hotdash-production", instance: "m1", mode: "user" }, 85);
  e.grow("fly_instance_cpu", { app: "hotdash-staging", instance: "s9", mode: "idle" }, 70);
  e.grow("fly_instance_cpu", { app: "hotdash-staging", instance: "s9", mode: "user" }, 30);
  e.set("fly_instance_memory_mem_total", { app: "hotdash-staging", instance: "s9" }, 2000);
  e.set("fly_instance_memory_mem_available", { app: "hotdash-staging", instance: "s9" }, 1000);
}

describe.skipIf(skip || !isHotDashConfig())(
  "the default config's Prometheus alerts (ops.config.yml) against a real Prometheus",
  () => {
    it("every query is valid PromQL over Fly's metric names and reads the value the exporter implies", async () => {
      const { config } = loadConfigOrThrow(
        "ops.config.yml",
        readFileSync(new URL("../../ops.config.yml", import.meta.url), "utf8"),
      );
      const alerts = config.services.filter((s) => s.probe.type === "prometheus");
      expect(alerts.length).toBeGreaterThanOrEqual(8);
      const read: Record<string, number | undefined> = {};
      for (const service of alerts) {
        if (service.probe.type !== "prometheus") continue;
        const sample = await prometheusKind({ ...service.probe, url: prom.url, token: prom.token }, opts, deps);
        expect(sample.failure, `${service.id}: ${JSON.stringify(sample.failure)}`).toBeUndefined();
        read[service.id] = sample.value === undefined ? undefined : Math.round(sample.value * 100) / 100;
      }
      expect(read).toMatchObject({
        "production-5xx-rate": 7,
        "staging-5xx-rate": 2,
        "production-memory": 95,
        "production-cpu": 85,
        "staging-cpu": 30,
        "staging-memory": 50,
      });
      // histogram_quantile interpolates inside the 1–5 s bucket: 95th of 100 lies 15/20 of the way.
      expect(read["production-p95-latency"]).toBeCloseTo(4, 6);
      expect(read["staging-p95-latency"]).toBeCloseTo(4, 6);
    });
  },
);
