import type { ProbeConfig } from "../config/schema/index.ts";
import type { ProbeKind } from "./kind.ts";

type Loaders = { [T in ProbeConfig["type"]]: () => Promise<ProbeKind<Extract<ProbeConfig, { type: T }>>> };

/**
 * Every probe kind this build knows, by `probe.type`, each imported on first use: a run of HTTP
 * services never loads pg, and `ops validate` loads none (see `npm run bench:startup`).
 */
const LOADERS: Loaders = {
  http: async () => (await import("./http.ts")).httpProbe,
  postgres: async () => (await import("./postgres.ts")).postgresKind,
  prometheus: async () => (await import("./prometheus.ts")).prometheusKind,
  mcp: async () => (await import("./mcp.ts")).mcpKind,
  fly: async () => (await import("./fly.ts")).flyKind,
  tcp: async () => (await import("./tcp.ts")).tcpKind,
  dns: async () => (await import("./dns.ts")).dnsKind,
  domain: async () => (await import("./domain.ts")).domainKind,
  websocket: async () => (await import("./websocket.ts")).websocketKind,
  steps: async () => (await import("./steps.ts")).stepsKind,
  "google-analytics": async () => (await import("./google-analytics.ts")).googleAnalyticsKind,
};

const loaded = new Map<string, Promise<ProbeKind | undefined>>();

/**
 * The kind for a `probe.type`, loaded once. `undefined` for a type missing here: that service gets
 * an inconclusive result (unknown), not a crash.
 */
export function loadKind(type: string): Promise<ProbeKind | undefined> {
  let kind = loaded.get(type);
  if (!kind) {
    const load = Object.hasOwn(LOADERS, type)
      ? (LOADERS[type as keyof Loaders] as () => Promise<ProbeKind>)
      : undefined;
    kind = load ? load() : Promise.resolve(undefined);
    loaded.set(type, kind);
  }
  return kind;
}
