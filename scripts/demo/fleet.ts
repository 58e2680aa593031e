import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A simulated HotDash fleet on loopback, for `npm start` and end-to-end tests. Each service is a
 * real HTTP server on 127.0.0.1 with a free port; behaviours are switchable at run time so a demo
 * or test can script an outage and a recovery.
 */
export type Behaviour = "healthy" | "slow" | "failing" | "refusing";

export interface FleetService {
  id: string;
  url: string;
  behaviour: Behaviour;
}

export interface Fleet {
  services: Map<string, FleetService>;
  set(id: string, behaviour: Behaviour): void;
  /** Token the simulated Shopify and Google Analytics APIs accept. */
  tokens: { shopify: string; ga: string };
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, behaviour: Behaviour) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

export interface FleetOptions {
  /** Delay of a "slow" service, ms (Chatwoot's yellow band is 800 ms–2 s). */
  slowMs?: number;
  initial?: Record<string, Behaviour>;
}

export async function startFleet(opts: FleetOptions = {}): Promise<Fleet> {
  const slowMs = opts.slowMs ?? 1_000;
  const tokens = { shopify: "shpat_demo_0123456789abcdef", ga: "ya29.demo-access-token" };
  const health =
    (service: string): Handler =>
    (req, res) =>
      req.url?.startsWith("/health") || req.url?.startsWith("/api")
        ? json(res, 200, { status: "ok", service, version: "1.0.0", timestamp: new Date().toISOString() })
        : json(res, 404, { error: "not found" });

  const handlers: Record<string, Handler> = {
    "agent-service": health("agent-service"),
    supabase: health("supabase"),
    "llamaindex-mcp": (_req, res) =>
      json(res, 200, {
        status: "ok",
        service: "llamaindex-rag-mcp",
        tools: ["query_support", "refresh_index", "insight_report"],
        metrics: { query_support: { calls: 12, errors: 0, errorRate: "0%" } },
      }),
    chatwoot: health("chatwoot"),
    "hotdash-staging": health("hotdash-staging"),
    "hotdash-production": health("hotdash-production"),
    "shopify-admin": (req, res) =>
      req.headers["x-shopify-access-token"] === tokens.shopify
        ? json(
            res,
            200,
            { shop: { id: 1, name: "Hot Rod AN", myshopify_domain: "hotroddash.myshopify.com" } },
            { "x-shopify-shop-api-call-limit": "12/40" },
          )
        : json(res, 401, { errors: "[API] Invalid API key or access token" }),
    "google-analytics": (req, res) =>
      req.headers.authorization === `Bearer ${tokens.ga}`
        ? json(res, 200, { rows: [{ dimensionValues: [{ value: "20261122" }], metricValues: [{ value: "42" }] }] })
        : json(res, 401, { error: { code: 401, status: "UNAUTHENTICATED" } }),
  };

  const initial: Record<string, Behaviour> = {
    chatwoot: "slow",
    "hotdash-staging": "failing",
    ...opts.initial,
  };
  const services = new Map<string, FleetService>();
  const servers = new Map<string, Server>();

  for (const [id, handler] of Object.entries(handlers)) {
    const entry: FleetService = { id, url: "", behaviour: initial[id] ?? "healthy" };
    const server = createServer((req, res) => {
      req.resume();
      if (entry.behaviour === "failing") return json(res, 503, { status: "error", error: "upstream unavailable" });
      if (entry.behaviour === "slow") return void setTimeout(() => handler(req, res, entry.behaviour), slowMs);
      handler(req, res, entry.behaviour);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    entry.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    services.set(id, entry);
    servers.set(id, server);
  }

  // "refusing" closes the listener so connections are refused, as for a crashed machine.
  const apply = async (id: string) => {
    const entry = services.get(id)!;
    const server = servers.get(id)!;
    if (entry.behaviour === "refusing" && server.listening) await new Promise((r) => server.close(r));
    if (entry.behaviour !== "refusing" && !server.listening) {
      await new Promise<void>((resolve) => server.listen(Number(new URL(entry.url).port), "127.0.0.1", resolve));
    }
  };
  for (const id of services.keys()) await apply(id);

  return {
    services,
    tokens,
    set(id, behaviour) {
      const entry = services.get(id);
      if (!entry) throw new Error(`the demo fleet has no service "${id}" (has: ${[...services.keys()].join(", ")})`);
      entry.behaviour = behaviour;
      void apply(id);
    },
    async close() {
      await Promise.all(
        [...servers.values()].map(
          (s) => new Promise((r) => (s.listening ? (s.closeAllConnections(), s.close(r)) : r(undefined))),
        ),
      );
    },
  };
}

/** The seven MCP servers the on-call runbook counts ("MCPs: X/7 operational"). */
export const MCP_SERVERS = [
  "shopify",
  "context7",
  "github",
  "supabase",
  "fly",
  "google-analytics",
  "llamaindex-rag",
] as const;
