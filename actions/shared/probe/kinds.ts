import type { ProbeKinds } from "./kind.ts";
import { flyKind } from "./fly.ts";
import { googleAnalyticsKind } from "./google-analytics.ts";
import { httpProbe } from "./http.ts";
import { mcpKind } from "./mcp.ts";
import { postgresKind } from "./postgres.ts";
import { prometheusKind } from "./prometheus.ts";
import { dnsKind } from "./dns.ts";
import { domainKind } from "./domain.ts";
import { stepsKind } from "./steps.ts";
import { tcpKind } from "./tcp.ts";
import { websocketKind } from "./websocket.ts";

/**
 * Every probe kind this build knows, by `probe.type`. A service whose type is missing here gets
 * an inconclusive result (unknown), not a crash.
 */
export const defaultKinds: ProbeKinds = {
  http: httpProbe,
  postgres: postgresKind,
  prometheus: prometheusKind,
  mcp: mcpKind,
  fly: flyKind,
  tcp: tcpKind,
  dns: dnsKind,
  domain: domainKind,
  websocket: websocketKind,
  steps: stepsKind,
  "google-analytics": googleAnalyticsKind,
};
