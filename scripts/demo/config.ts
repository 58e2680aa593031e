import type { OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { LLAMAINDEX_TOOLS } from "../../emulators/mcp.ts";
import { type Fleet, MCP_SERVERS } from "./fleet.ts";
import { CPU_QUERY, type DemoProtocols, MEMORY_QUERY } from "./protocols.ts";

/**
 * The embedded default `npm start` runs: HotDash's services and thresholds (as in ops.config.yml)
 * pointed at the simulated fleet, with a short confirmation window so the demo takes seconds.
 */
export function demoConfig(fleet: Fleet, p: DemoProtocols): OpsConfigInput {
  const url = (id: string, path: string) => `${fleet.services.get(id)!.url}${path}`;
  const mcpIds = MCP_SERVERS.map((m) => `mcp-${m}`);
  return {
    version: 1,
    title: "HotDash status (demo fleet)",
    defaults: {
      timeout: "3s",
      connectTimeout: "1s",
      samples: 3,
      sampleSpacing: "50ms",
      concurrency: 16,
      confirmWindow: "1s",
      retryDelay: "250ms",
      thresholds: { successRate: { yellow: 95, red: 90 } },
    },
    services: [
      {
        id: "agent-service",
        name: "Agent SDK",
        environment: "shared",
        criticality: "medium",
        probe: {
          type: "http",
          url: url("agent-service", "/health"),
          expect: { json: [{ path: "status", equals: "ok" }] },
        },
        thresholds: { latency: { yellow: "500ms", red: "2s" } },
        slo: { availability: 99.9, latency: { stat: "p95", below: "500ms" } },
        // One outage, one page: when the database is down, this is not an incident of its own.
        dependsOn: ["supabase"],
      },
      {
        id: "llamaindex-mcp",
        name: "LlamaIndex MCP",
        environment: "shared",
        criticality: "medium",
        probe: {
          type: "http",
          url: url("llamaindex-mcp", "/health"),
          expect: {
            json: [
              { path: "status", equals: "ok" },
              { path: "tools", contains: "query_support" },
            ],
          },
        },
        thresholds: { latency: { yellow: "500ms", red: "2s" } },
        dependsOn: ["supabase"],
      },
      {
        id: "supabase",
        name: "Supabase",
        environment: "shared",
        criticality: "critical",
        probe: { type: "http", url: url("supabase", "/health"), expect: { json: [{ path: "status", equals: "ok" }] } },
      },
      {
        id: "chatwoot",
        name: "Chatwoot",
        environment: "shared",
        criticality: "critical",
        probe: { type: "http", url: url("chatwoot", "/api") },
        samples: 2,
        thresholds: { latency: { yellow: "800ms", red: "2s" } },
      },
      {
        id: "hotdash-staging",
        name: "HotDash staging",
        environment: "staging",
        criticality: "critical",
        probe: { type: "http", url: url("hotdash-staging", "/health") },
      },
      {
        id: "hotdash-production",
        name: "HotDash production",
        environment: "production",
        criticality: "critical",
        probe: { type: "http", url: url("hotdash-production", "/health") },
      },
      {
        id: "shopify-admin",
        name: "Shopify Admin API",
        environment: "production",
        criticality: "critical",
        probe: {
          type: "http",
          url: url("shopify-admin", "/admin/api/2024-10/shop.json"),
          headers: { "X-Shopify-Access-Token": "${SHOPIFY_ADMIN_TOKEN}" },
          expect: {
            json: [{ path: "shop.id", exists: true }],
            headers: [{ name: "Content-Type", contains: "application/json" }],
          },
          // The REST call-limit bucket ("12/40") as a value, as in ops.config.yml.
          value: { header: "X-Shopify-Shop-Api-Call-Limit", parse: "fraction" as const },
        },
        thresholds: { value: { yellow: 80, red: 99, direction: "above" as const, unit: "% of the API call limit" } },
      },
      {
        id: "google-analytics",
        name: "Google Analytics",
        environment: "production",
        criticality: "high",
        probe: {
          type: "http",
          method: "POST",
          url: url("google-analytics", "/v1beta/properties/123456789:runReport"),
          headers: { Authorization: "Bearer ${GA_ACCESS_TOKEN}", "content-type": "application/json" },
          body: '{"dateRanges":[{"startDate":"today","endDate":"today"}],"metrics":[{"name":"activeUsers"}]}',
        },
      },
      {
        id: "production-memory",
        name: "Production memory",
        environment: "production",
        criticality: "critical",
        probe: { type: "prometheus", url: p.metrics.url, token: "${FLY_READ_TOKEN}", query: MEMORY_QUERY },
        // Infrastructure runbook: memory > 90 % for 5 minutes is critical, > 80 % a warning.
        thresholds: { value: { yellow: 80, red: 90, direction: "above", for: "5m", unit: "%" } },
      },
      {
        id: "production-cpu",
        name: "Production CPU",
        environment: "production",
        criticality: "high",
        probe: { type: "prometheus", url: p.metrics.url, token: "${FLY_READ_TOKEN}", query: CPU_QUERY },
        // Infrastructure runbook: CPU > 80 % for 15 minutes.
        thresholds: { value: { yellow: 80, red: 90, direction: "above", for: "15m", unit: "%" } },
      },
      {
        id: "hotdash-production-machines",
        name: "HotDash production machines",
        environment: "production",
        criticality: "critical",
        probe: { type: "fly", app: "hotdash-production", token: "${FLY_READ_TOKEN}", apiUrl: p.fly.url },
      },
      ...MCP_SERVERS.map((name) => {
        const server = p.mcp.get(name)!;
        return {
          id: `mcp-${name}`,
          name: `MCP ${name}`,
          environment: "shared" as const,
          criticality: "medium" as const,
          probe: {
            type: "mcp" as const,
            url: server.url,
            headers: { Authorization: "Bearer ${MCP_TOKEN}" },
            tools: LLAMAINDEX_TOOLS,
            ...(name === "llamaindex-rag" && { health: { url: server.healthUrl, maxErrorRate: 10 } }),
          },
        };
      }),
    ],
    groups: [
      {
        id: "mcp-servers",
        name: "MCP servers",
        environment: "shared",
        members: mcpIds,
        quorum: { green: 6, yellow: 5 },
      },
    ],
  };
}

/** Secrets the demo hands the run as its environment (never the process's own). */
export function demoEnv(fleet: Fleet, p: DemoProtocols): Record<string, string> {
  return {
    SHOPIFY_ADMIN_TOKEN: fleet.tokens.shopify,
    GA_ACCESS_TOKEN: fleet.tokens.ga,
    MCP_TOKEN: p.tokens.mcp,
    FLY_READ_TOKEN: p.tokens.fly,
  };
}
