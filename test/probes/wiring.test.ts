/**
 * The four API probe kinds through the real engine (`probeFleet`, default kinds, secrets) and the
 * evaluation, against loopback servers: what a run of the HotDash fleet would record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { evaluate } from "../../actions/shared/evaluate/index.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import { LLAMAINDEX_TOOLS, startMcpServer, type McpTestServer } from "../../emulators/mcp.ts";
import { startMetricsApi, type MetricsApi } from "../../emulators/metrics.ts";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";

const MEMORY = 'max_over_time(fly_instance_memory_used_percent{app="hotdash-production"}[5m])';
const T0 = new Date("2026-11-22T16:00:00Z");
let mcps: McpTestServer[] = [];
let metrics: MetricsApi;
let fly: MachinesEmulator;

beforeAll(async () => {
  mcps = await Promise.all(
    Array.from({ length: 7 }, (_, i) => startMcpServer({ token: "mcp-token", answer: i % 2 ? "sse" : "json" })),
  );
  mcps[5]!.rotateToken("rotated");
  mcps[6]!.setTools(["query_support"]);
  metrics = await startMetricsApi({
    token: "prom-token",
    answers: {
      [MEMORY]: {
        series: [
          { labels: { instance: "m1" }, value: 93 },
          { labels: { instance: "m2" }, value: 41 },
        ],
      },
    },
  });
  fly = await startMachinesEmulator({
    app: "hotdash-production",
    token: "fly-token",
    machines: [
      { id: "m1", image: "x:1" },
      { id: "m2", image: "x:1", checksNeverPass: true },
    ],
  });
  for (const c of fly.machine("m2").checks) Object.assign(c, { status: "critical", output: "connection refused" });
});

afterAll(async () => {
  await Promise.all([...mcps.map((m) => m.close()), metrics?.close(), fly?.close()]);
});

describe("API probes through the engine and the evaluation", () => {
  it("records up, degraded (worst series, failing machine) and unknown (rotated token); the MCP group by quorum", async () => {
    const config = OpsConfig.parse({
      defaults: { samples: 1, confirmWindow: 0, timeout: "3s", connectTimeout: "1s" },
      services: [
        ...mcps.map((m, i) => ({
          id: `mcp-${i + 1}`,
          name: `MCP ${i + 1}`,
          probe: {
            type: "mcp",
            url: m.url,
            headers: { Authorization: "Bearer ${MCP_TOKEN}" },
            tools: LLAMAINDEX_TOOLS,
          },
        })),
        {
          id: "production-memory",
          name: "Production memory",
          probe: { type: "prometheus", url: metrics.url, token: "${FLY_METRICS_TOKEN}", query: MEMORY },
          thresholds: { value: { yellow: 80, red: 90, unit: "%" } },
        },
        {
          id: "production-machines",
          name: "Production machines",
          probe: { type: "fly", app: "hotdash-production", apiUrl: fly.url },
        },
      ],
      groups: [
        {
          id: "mcp",
          name: "MCP servers",
          members: mcps.map((_, i) => `mcp-${i + 1}`),
          quorum: { green: 6, yellow: 5 },
        },
      ],
    });
    const env = { MCP_TOKEN: "mcp-token", FLY_METRICS_TOKEN: "prom-token", FLY_READ_TOKEN: "fly-token" };
    const redactor = createRedactor();
    const results = await probeFleet({ config, clock: manualClock(T0), env, redactor });
    const { latest } = evaluate({ config, results, now: T0, run: { startedAt: T0, finishedAt: T0 } });
    const s = latest.services;

    expect(s["mcp-1"]).toMatchObject({ status: "up" });
    expect(s["mcp-2"]).toMatchObject({ status: "up" });
    expect(s["mcp-6"]).toMatchObject({ status: "unknown", reason: expect.stringMatching(/^auth failed \(401\)/) });
    expect(s["mcp-7"]).toMatchObject({
      status: "down",
      reason: expect.stringMatching(/missing refresh_index, insight_report/),
    });
    expect(s["production-memory"]).toMatchObject({
      status: "degraded",
      ratings: { value: "red" },
      reason: expect.stringContaining("value 93 % (instance=m1) > 90 %"),
    });
    expect(s["production-machines"]).toMatchObject({
      status: "degraded",
      reason: expect.stringContaining("m2 (iad) critical: servicecheck-00-http-8080 (connection refused)"),
    });
    // 5 up, one unknown, one down: below the green quorum of 6.
    expect(latest.groups.mcp).toMatchObject({ status: "degraded" });

    const written = JSON.stringify({ results, latest });
    for (const secret of Object.values(env)) expect(written).not.toContain(secret);
  });
});
