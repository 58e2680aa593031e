/**
 * A small MCP server on loopback speaking the streamable HTTP transport (JSON-RPC over POST,
 * https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http),
 * enough for the `mcp` probe's tests and the demo fleet: `initialize` (with a session id),
 * `notifications/initialized`, paginated `tools/list`, DELETE to end a session, answers as plain
 * JSON or SSE, a bearer token that can be rotated, and a LlamaIndex-style /health JSON.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { close, listen } from "./metrics.ts";

export const LLAMAINDEX_TOOLS = ["query_support", "refresh_index", "insight_report"];

export interface McpServerOptions {
  /** Tool names tools/list returns (default: LlamaIndex MCP's three). */
  tools?: string[];
  /** "json": one JSON body; "sse": an event stream (a progress notification first, then the response). */
  answer?: "json" | "sse";
  /** With "sse": keep the stream open after the response, as a server may; the client must not wait for its end. */
  keepStreamOpen?: boolean;
  /** tools/list page size (pagination with nextCursor). */
  pageSize?: number;
  /** Bearer token required on /mcp; requests without it get 401. */
  token?: string;
  name?: string;
  /** With "sse": open each stream with a priming event (an id, empty data), as servers do for clients of protocol 2025-11-25 and later. */
  primingEvent?: boolean;
  /** The capabilities initialize declares (default: tools). */
  capabilities?: Record<string, unknown>;
}

export interface ToolStats {
  calls: number;
  errors: number;
}

export interface RecordedRequest {
  method: string;
  headers: IncomingMessage["headers"];
  /** JSON-RPC method, when there was one. */
  rpc?: string;
}

export interface McpTestServer {
  /** The streamable-HTTP endpoint: http://127.0.0.1:port/mcp */
  url: string;
  /** http://127.0.0.1:port/health */
  healthUrl: string;
  /** Replaces the token (what a rotation does): the old one now gets 401. */
  rotateToken(token: string): void;
  setTools(tools: string[]): void;
  setToolStats(tool: string, stats: ToolStats): void;
  setHealthStatus(status: string): void;
  requests(): RecordedRequest[];
  /** Sessions initialized and not yet DELETEd. */
  openSessions(): number;
  close(): Promise<void>;
}

export async function startMcpServer(options: McpServerOptions = {}): Promise<McpTestServer> {
  let tools = options.tools ?? LLAMAINDEX_TOOLS;
  let token = options.token;
  let healthStatus = "ok";
  const stats = new Map<string, ToolStats>();
  const sessions = new Set<string>();
  const seen: RecordedRequest[] = [];
  const started = Date.now();
  const name = options.name ?? "llamaindex-rag-mcp";

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/health" && req.method === "GET") {
      seen.push({ method: "GET", headers: req.headers });
      const metrics = Object.fromEntries(
        tools.map((t) => {
          const s = stats.get(t) ?? { calls: 0, errors: 0 };
          return [t, { ...s, errorRate: `${s.calls ? Math.round((1000 * s.errors) / s.calls) / 10 : 0}%` }];
        }),
      );
      return json(res, 200, {
        status: healthStatus,
        service: name,
        version: "1.0.0",
        timestamp: new Date().toISOString(),
        uptime: `${Math.round((Date.now() - started) / 1000)}s`,
        tools,
        metrics,
      });
    }
    if (path !== "/mcp") return json(res, 404, { error: "not found" });
    const body = await readBody(req);
    const message = safeParse(body) as
      | { jsonrpc?: string; id?: number | string; method?: string; params?: Record<string, unknown> }
      | undefined;
    seen.push({ method: req.method ?? "?", headers: req.headers, ...(message?.method && { rpc: message.method }) });
    if (token && req.headers.authorization !== `Bearer ${token}`)
      return json(res, 401, { error: "invalid_token" }, { "www-authenticate": 'Bearer error="invalid_token"' });

    const sid = req.headers["mcp-session-id"];
    if (req.method === "DELETE") {
      if (typeof sid !== "string" || !sessions.delete(sid)) return json(res, 404, { error: "unknown session" });
      return void res.writeHead(200).end();
    }
    if (req.method !== "POST") return json(res, 405, { error: "POST only" }, { allow: "POST, DELETE" });
    const accept = req.headers.accept ?? "";
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
      return json(res, 406, rpcError(null, -32000, "Accept must list application/json and text/event-stream"));
    }
    if (message?.jsonrpc !== "2.0" || typeof message.method !== "string")
      return json(res, 400, rpcError(null, -32700, "Parse error"));
    if (message.method !== "initialize") {
      if (typeof sid !== "string")
        return json(res, 400, rpcError(message.id ?? null, -32000, "Mcp-Session-Id header required"));
      if (!sessions.has(sid)) return json(res, 404, rpcError(message.id ?? null, -32001, "Session not found"));
    }
    if (message.id === undefined) return void res.writeHead(202).end(); // a notification

    let result: Record<string, unknown>;
    const headers: Record<string, string> = {};
    switch (message.method) {
      case "initialize": {
        const id = randomUUID();
        sessions.add(id);
        headers["mcp-session-id"] = id;
        const asked = message.params?.protocolVersion;
        result = {
          protocolVersion: typeof asked === "string" ? asked : "2025-06-18",
          capabilities: options.capabilities ?? { tools: { listChanged: false } },
          serverInfo: { name, version: "1.0.0" },
        };
        break;
      }
      case "tools/list": {
        const size = options.pageSize ?? tools.length;
        const from = Number(message.params?.cursor ?? 0);
        const page = tools.slice(from, from + Math.max(1, size));
        const next = from + page.length;
        result = {
          tools: page.map((t) => ({
            name: t,
            description: `${t} (test)`,
            inputSchema: { type: "object", properties: {} },
          })),
          ...(next < tools.length && { nextCursor: String(next) }),
        };
        break;
      }
      default:
        return answer(
          res,
          options,
          message.id,
          { error: { code: -32601, message: `Method not found: ${message.method}` } },
          headers,
        );
    }
    return answer(res, options, message.id, { result }, headers);
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/mcp`,
    healthUrl: `${base}/health`,
    rotateToken: (t) => void (token = t),
    setTools: (t) => void (tools = t),
    setToolStats: (tool, s) => void stats.set(tool, s),
    setHealthStatus: (s) => void (healthStatus = s),
    requests: () => [...seen],
    openSessions: () => sessions.size,
    close: () => close(server),
  };
}

function answer(
  res: ServerResponse,
  options: McpServerOptions,
  id: number | string,
  payload: Record<string, unknown>,
  headers: Record<string, string>,
) {
  const message = JSON.stringify({ jsonrpc: "2.0", id, ...payload });
  if (options.answer !== "sse")
    return void res.writeHead(200, { "content-type": "application/json", ...headers }).end(message);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
  // A comment, a notification, then the response split over two data lines, CRLF-framed: all legal SSE.
  res.write(": stream open\r\n\r\n");
  if (options.primingEvent) res.write(`id: prime-${id}\ndata:\n\n`);
  res.write(
    `event: message\r\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "working" } })}\r\n\r\n`,
  );
  const cut = message.indexOf(",") + 1;
  res.write(`id: ${id}\ndata: ${message.slice(0, cut)}\ndata: ${message.slice(cut)}\n\n`);
  if (!options.keepStreamOpen) res.end();
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function rpcError(id: number | string | null, code: number, message: string) {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function safeParse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // answered as -32700 Parse error by the caller
  }
}
