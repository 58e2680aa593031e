import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";
import { LLAMAINDEX_TOOLS, startMcpServer, type McpTestServer } from "../../emulators/mcp.ts";
import { startMetricsApi, type MetricsApi } from "../../emulators/metrics.ts";
import { MCP_SERVERS } from "./fleet.ts";

/**
 * The protocol-speaking part of the demo fleet: seven MCP servers (streamable HTTP, half answering
 * as SSE), a Prometheus-compatible query API with Fly-like metrics, and a Fly Machines API for
 * hotdash-production. PostgreSQL and a real Prometheus stay in the tests.
 */
export interface DemoProtocols {
  mcp: Map<string, McpTestServer>;
  metrics: MetricsApi;
  fly: MachinesEmulator;
  tokens: { mcp: string; fly: string };
  close(): Promise<void>;
}

export const MEMORY_QUERY = 'max by (instance) (fly_instance_memory_used_percent{app="hotdash-production"})';
export const CPU_QUERY = 'avg by (instance) (rate(fly_instance_cpu{app="hotdash-production",mode!="idle"}[5m])) * 100';

export async function startProtocols(): Promise<DemoProtocols> {
  const tokens = { mcp: "demo-mcp-token-7f3a", fly: "demo-fly-token-91c2" };
  const mcp = new Map<string, McpTestServer>();
  for (const [i, name] of MCP_SERVERS.entries()) {
    mcp.set(
      name,
      await startMcpServer({
        name: `mcp-${name}`,
        token: tokens.mcp,
        answer: i % 2 ? "sse" : "json",
        tools: LLAMAINDEX_TOOLS,
      }),
    );
  }
  // One of seven is down (connection refused): the group stays green at 6/7.
  await mcp.get("context7")!.close();
  const metrics = await startMetricsApi({
    token: tokens.fly,
    answers: {
      [MEMORY_QUERY]: {
        series: [
          { labels: { instance: "148e" }, value: 72 },
          { labels: { instance: "9080" }, value: 41 },
        ],
      },
      [CPU_QUERY]: {
        series: [
          { labels: { instance: "148e" }, value: 86 },
          { labels: { instance: "9080" }, value: 22 },
        ],
      },
    },
  });
  const fly = await startMachinesEmulator({
    app: "hotdash-production",
    token: tokens.fly,
    machines: [
      {
        id: "148e21ea7d5d89",
        image: "registry.fly.io/hotdash-production:deployment-01JD6Z",
        checkNames: ["servicecheck-00-http-8080"],
      },
      {
        id: "9080e6f3a27d18",
        image: "registry.fly.io/hotdash-production:deployment-01JD6Z",
        checkNames: ["servicecheck-00-http-8080"],
      },
    ],
  });
  return {
    mcp,
    metrics,
    fly,
    tokens,
    async close() {
      await Promise.all([...mcp.values()].map((s) => s.close()));
      await metrics.close();
      await fly.close();
    },
  };
}
