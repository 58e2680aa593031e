import { z } from "zod";
import { Duration, Percent, SecretString, SecretUrl } from "./units.ts";
import { Headers, type HeaderAssertion, HttpExpect, HttpValue, type JsonAssertion } from "./http.ts";
import { DnsProbe, DomainProbe, TcpProbe, WebSocketProbe } from "./probes-net.ts";
import { StepsProbe } from "./probes-steps.ts";
import { GoogleAnalyticsProbe } from "./probes-google.ts";

const HttpUrl = SecretUrl(["http", "https"], "https://example.com/health");

export * from "./http.ts";
export * from "./probes-net.ts";
export * from "./probes-steps.ts";
export * from "./probes-google.ts";

export const HttpProbe = z.strictObject({
  type: z
    .literal("http")
    .describe("HTTP(S): requests to a URL, checked against `expect`; latency, success rate and certificate days."),
  url: HttpUrl.meta({
    description: "The URL requested; may contain ${SECRET} references (then it is never written out).",
    examples: [
      "https://hotdash-agent-service.fly.dev/health",
      "https://hotroddash.myshopify.com/admin/api/2024-10/shop.json",
    ],
  }),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET").describe("HTTP method."),
  headers: Headers.default({}).meta({
    description: "Request headers; values may contain ${SECRET} references.",
    examples: [{ "X-Shopify-Access-Token": "${SHOPIFY_ADMIN_TOKEN}" }],
  }),
  body: SecretString.optional().describe("Request body; may contain ${SECRET} references."),
  redirects: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe("Follow up to this many redirects; 0 does not follow (a 3xx is then checked against expect.status)."),
  expect: HttpExpect.prefault({}).describe(
    "What a good answer looks like: status, JSON assertions, keywords, headers. Default: a 2xx status.",
  ),
  value: HttpValue.optional(),
  throttle: z
    .boolean()
    .default(true)
    .describe(
      "A 429 answer (unless expect.status lists 429) is the outcome `throttled`: degraded at most, never down, with the Retry-After hint in the reason; the run sends no more requests to the service. false: a 429 is an unexpected status like any other.",
    ),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'Overrides defaults.maxBodyBytes: body bytes read at most; a larger body is the failure "body too large".',
    ),
  verifyTls: z
    .boolean()
    .default(true)
    .describe("Reject invalid certificates (the default); false still reports the days until expiry."),
});

export const PostgresProbe = z.strictObject({
  type: z
    .literal("postgres")
    .describe("PostgreSQL: connect and run one read-only query; its number is rated by thresholds.value."),
  url: SecretUrl(["postgres", "postgresql"], "postgres://user@db.example.com:5432/app").meta({
    description: "Connection URL (postgres:// or postgresql://), normally one secret.",
    examples: ["${SUPABASE_DB_URL}"],
  }),
  query: z
    .string()
    .min(1)
    .default("SELECT 1")
    .meta({
      description: "A query returning one row with one numeric column; runs in a READ ONLY transaction.",
      examples: ["SELECT 1", "SELECT count(*) FROM pg_stat_activity"],
    }),
  tls: z
    .strictObject({
      mode: z
        .enum(["disable", "require", "verify-full"])
        .default("require")
        .describe(
          "disable: plain text; require: TLS without checking the certificate; verify-full: TLS, certificate and host name checked.",
        ),
      ca: SecretString.optional().describe("PEM CA bundle to trust for verify-full; may be a ${SECRET}."),
    })
    .prefault({})
    .describe("TLS to the server; default mode require."),
  statementTimeout: Duration.default(5_000).meta({
    description:
      "Server-side statement_timeout for the probe's query (default 5s). " +
      "0 is PostgreSQL's \"no limit\": the server lets the query run, and the sample's own `timeout` still ends it.",
    examples: ["5s", 0],
  }),
});

export const PrometheusProbe = z.strictObject({
  type: z
    .literal("prometheus")
    .describe("A PromQL instant query against a Prometheus-compatible API (Fly metrics); rated by thresholds.value."),
  url: HttpUrl.meta({
    description: "Base URL of a Prometheus-compatible HTTP API (the part before /api/v1/query).",
    examples: ["https://api.fly.io/prometheus/hotdash"],
  }),
  query: z
    .string()
    .min(1)
    .meta({
      description: "PromQL instant query; its value is rated by thresholds.value (`for:` makes it a sustained alert).",
      examples: ['max(fly_instance_memory_mem_available{app="hotdash-chatwoot"})'],
    }),
  token: SecretString.optional().meta({
    description: "Bearer token, normally a read-only org token.",
    examples: ["${FLY_READ_TOKEN}"],
  }),
  headers: Headers.default({}).describe("Extra request headers; values may contain ${SECRET} references."),
  aggregate: z
    .enum(["none", "max", "min", "avg", "sum"])
    .default("none")
    .describe("How a vector of several series becomes one value; none rates every series and keeps the worst."),
  empty: z
    .enum(["unknown", "zero", "down"])
    .default("unknown")
    .describe("What an empty result means: unknown (no data, the default), zero (value 0) or down."),
});

export const FlyProbe = z.strictObject({
  type: z
    .literal("fly")
    .describe("Fly Machines: down when no started machine passes its checks, degraded when some fail."),
  app: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "a Fly app name" })
    .meta({ description: "The Fly app name.", examples: ["hotdash-chatwoot"] }),
  // A read-only org token: monitoring never holds the deploy token rollbacks use.
  token: SecretString.default("${FLY_READ_TOKEN}").describe("A read-only Fly org token, as a ${NAME} reference."),
  apiUrl: z
    .string()
    .url()
    .default("https://api.machines.dev")
    .describe("Fly Machines API base URL; override for an emulator."),
});

export const McpProbe = z.strictObject({
  type: z.literal("mcp").describe("An MCP server: initialize, then tools/list over streamable HTTP."),
  url: HttpUrl.meta({
    description: "The streamable-HTTP endpoint (JSON-RPC over POST).",
    examples: ["https://hotdash-llamaindex-mcp.fly.dev/mcp"],
  }),
  headers: Headers.default({}).meta({
    description: "Request headers; values may contain ${SECRET} references.",
    examples: [{ Authorization: "Bearer ${GITHUB_MCP_TOKEN}" }],
  }),
  tools: z
    .array(z.string())
    .default([])
    .meta({ description: "Tools that tools/list must include.", examples: [["query_support"]] }),
  health: z
    .strictObject({
      url: HttpUrl.meta({
        description: "URL of the health JSON.",
        examples: ["https://hotdash-llamaindex-mcp.fly.dev/health"],
      }),
      maxErrorRate: Percent.default(10).describe(
        "A tool whose error rate is above this percentage makes the service degraded.",
      ),
      sendHeaders: z
        .boolean()
        .default(false)
        .describe(
          "Send the probe's headers (its Authorization) to health.url even on another origin than the MCP endpoint. " +
            "Default: only to the same origin, as redirects do.",
        ),
    })
    .optional()
    .describe("A health JSON with per-tool error rates (as LlamaIndex MCP's /health)."),
});

export const Probe = z
  .discriminatedUnion("type", [
    HttpProbe,
    PostgresProbe,
    PrometheusProbe,
    FlyProbe,
    McpProbe,
    TcpProbe,
    DnsProbe,
    DomainProbe,
    WebSocketProbe,
    StepsProbe,
    GoogleAnalyticsProbe,
  ])
  .describe("What to check; `type` chooses the kind and each kind accepts only its own keys (docs/probes.md).");

export type HttpProbeConfig = z.output<typeof HttpProbe>;
export type PostgresProbeConfig = z.output<typeof PostgresProbe>;
export type PrometheusProbeConfig = z.output<typeof PrometheusProbe>;
export type FlyProbeConfig = z.output<typeof FlyProbe>;
export type McpProbeConfig = z.output<typeof McpProbe>;
export type ProbeConfig = z.output<typeof Probe>;
export type ProbeType = ProbeConfig["type"];
export type JsonAssertionConfig = z.output<typeof JsonAssertion>;
export type HeaderAssertionConfig = z.output<typeof HeaderAssertion>;
export type HttpValueConfig = z.output<typeof HttpValue>;
