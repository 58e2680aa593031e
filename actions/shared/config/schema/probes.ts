import { z } from "zod";
import { Duration, Percent, SecretString, SecretUrl } from "./units.ts";
import { Headers, HeaderAssertion, HttpExpect, HttpValue, JsonAssertion } from "./http.ts";
import { DnsProbe, DomainProbe, TcpProbe, WebSocketProbe } from "./probes-net.ts";
import { StepsProbe } from "./probes-steps.ts";
import { GoogleAnalyticsProbe } from "./probes-google.ts";

const HttpUrl = SecretUrl(["http", "https"], "https://example.com/health");

export * from "./http.ts";
export * from "./probes-net.ts";
export * from "./probes-steps.ts";
export * from "./probes-google.ts";

export const HttpProbe = z.strictObject({
  type: z.literal("http"),
  url: HttpUrl,
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
  headers: Headers.default({}),
  body: SecretString.optional(),
  /** Follow up to N redirects; 0 means do not follow (a 3xx is then checked against `expect.status`). */
  redirects: z.number().int().min(0).max(20).default(5),
  expect: HttpExpect.prefault({}),
  value: HttpValue.optional(),
  throttle: z
    .boolean()
    .default(true)
    .describe(
      "A 429 answer (unless expect.status lists 429) is the outcome `throttled`: degraded at most, never down, with the Retry-After hint in the reason; the run sends no more requests to the service. false: a 429 is an unexpected status like any other.",
    ),
  /** Reads at most this many body bytes; a larger body is the failure "body too large". */
  maxBodyBytes: z.number().int().positive().optional(),
  /** Reject invalid certificates (the default). Setting false still reports days until expiry. */
  verifyTls: z.boolean().default(true),
});

export const PostgresProbe = z.strictObject({
  type: z.literal("postgres"),
  /** Connection URL, normally one secret: "${SUPABASE_DB_URL}". */
  url: SecretUrl(["postgres", "postgresql"], "postgres://user@db.example.com:5432/app"),
  /** A query returning one row with one numeric column. Runs in a READ ONLY transaction. */
  query: z.string().min(1).default("SELECT 1"),
  tls: z
    .strictObject({
      mode: z.enum(["disable", "require", "verify-full"]).default("require"),
      /** PEM CA bundle (may be a ${SECRET}). */
      ca: SecretString.optional(),
    })
    .prefault({}),
  statementTimeout: Duration.default(5_000).describe(
    "Server-side statement_timeout for the probe's query (default 5s). 0 is PostgreSQL's \"no limit\": the server lets the query run, and the sample's own `timeout` still ends it.",
  ),
});

export const PrometheusProbe = z.strictObject({
  type: z.literal("prometheus"),
  /** Base URL of a Prometheus-compatible HTTP API (the part before /api/v1/query). */
  url: HttpUrl,
  query: z.string().min(1),
  /** Bearer token, normally a secret: "${FLY_READ_TOKEN}" (a read-only org token). */
  token: SecretString.optional(),
  headers: Headers.default({}),
  /** How a vector of several series becomes one value; "none" rates every series and keeps the worst. */
  aggregate: z.enum(["none", "max", "min", "avg", "sum"]).default("none"),
  /** What an empty result means: no data is unknown by default; "zero" treats it as value 0. */
  empty: z.enum(["unknown", "zero", "down"]).default("unknown"),
});

export const FlyProbe = z.strictObject({
  type: z.literal("fly"),
  app: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "a Fly app name" }),
  /** A read-only org token: monitoring never holds the deploy token rollbacks use. */
  token: SecretString.default("${FLY_READ_TOKEN}"),
  apiUrl: z.string().url().default("https://api.machines.dev"),
});

export const McpProbe = z.strictObject({
  type: z.literal("mcp"),
  /** The streamable-HTTP endpoint (JSON-RPC over POST). */
  url: HttpUrl,
  headers: Headers.default({}),
  /** Tools that `tools/list` must include. */
  tools: z.array(z.string()).default([]),
  /** Optional health JSON with per-tool error rates (as LlamaIndex MCP's /health). */
  health: z
    .strictObject({
      url: HttpUrl,
      /** A tool whose error rate is above this percentage makes the service degraded. */
      maxErrorRate: Percent.default(10),
      /**
       * Send the probe's `headers` (its Authorization) to `url` even when it is on another origin
       * than the MCP endpoint. Default: only to the same origin, as redirects do.
       */
      sendHeaders: z.boolean().default(false),
    })
    .optional(),
});

export const Probe = z.discriminatedUnion("type", [HttpProbe, PostgresProbe, PrometheusProbe, FlyProbe, McpProbe, TcpProbe, DnsProbe, DomainProbe, WebSocketProbe, StepsProbe, GoogleAnalyticsProbe]);

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
