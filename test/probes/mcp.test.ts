import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { McpProbe } from "../../actions/shared/config/schema/probes.ts";
import type { SampleOptions } from "../../actions/shared/probe/kind.ts";
import { mcpKind, MCP_PROTOCOL_VERSION } from "../../actions/shared/probe/mcp.ts";
import { readHealth } from "../../actions/shared/probe/mcp/health.ts";
import { parseSse } from "../../actions/shared/probe/mcp/sse.ts";
import { describeFailure, INCONCLUSIVE } from "../../actions/shared/probe/result.ts";
import { LLAMAINDEX_TOOLS, startMcpServer, type McpServerOptions, type McpTestServer } from "../../emulators/mcp.ts";
import { close, listen } from "../../emulators/metrics.ts";
import { freePort } from "../servers/postgres.ts";

const opts: SampleOptions = { timeoutMs: 3_000, connectTimeoutMs: 1_000, maxBodyBytes: 1 << 20 };
const deps = { clock: manualClock("2026-11-22T16:00:00Z") };
const TOKEN = "mcp-token-before-rotation";
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function server(options: McpServerOptions = {}): Promise<McpTestServer> {
  const s = await startMcpServer({ token: TOKEN, ...options });
  cleanup.push(() => s.close());
  return s;
}

function probe(s: McpTestServer, extra: Record<string, unknown> = {}) {
  return McpProbe.parse({
    type: "mcp",
    url: s.url,
    headers: { Authorization: `Bearer ${TOKEN}` },
    tools: LLAMAINDEX_TOOLS,
    ...extra,
  });
}

describe("mcp probe against a loopback MCP server", () => {
  it("initializes, acknowledges, lists tools over plain JSON, and ends the session", async () => {
    const s = await server();
    const sample = await mcpKind(probe(s), opts, deps);
    expect(sample).toMatchObject({ ok: true, statusCode: 200, at: "2026-11-22T16:00:00.000Z" });
    expect(sample.timings.firstByte).toBeTypeOf("number");
    const reqs = s.requests();
    expect(reqs.map((r) => r.rpc ?? r.method)).toEqual([
      "initialize",
      "notifications/initialized",
      "tools/list",
      "DELETE",
    ]);
    expect(reqs[0]!.headers.accept).toBe("application/json, text/event-stream");
    expect(reqs[0]!.headers["mcp-session-id"]).toBeUndefined();
    expect(reqs[2]!.headers["mcp-session-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(reqs[2]!.headers["mcp-protocol-version"]).toBe(MCP_PROTOCOL_VERSION);
    expect(s.openSessions()).toBe(0);
  });

  it("parses SSE-framed answers, with a notification before the response", async () => {
    const s = await server({ answer: "sse" });
    expect(await mcpKind(probe(s), opts, deps)).toMatchObject({ ok: true });
  });

  it("skips SSE events with empty data (the priming event of protocol 2025-11-25 and later)", async () => {
    const s = await server({ answer: "sse", primingEvent: true });
    expect(await mcpKind(probe(s), opts, deps)).toMatchObject({ ok: true });
  });

  it("calls tools/list only when the server declared the tools capability", async () => {
    const none = await server({ capabilities: { prompts: {} } });
    const sample = await mcpKind(probe(none), opts, deps);
    expect(sample).toMatchObject({
      ok: false,
      failure: {
        kind: "assertion",
        assertion: "initialize declares the tools capability",
        found: "capabilities: prompts",
      },
    });
    expect(none.requests().filter((r) => r.rpc === "tools/list")).toEqual([]);
    // Expecting no tools, such a server is simply up.
    expect(await mcpKind(probe(none, { tools: [] }), opts, deps)).toMatchObject({ ok: true });
  });

  it("does not wait for the end of an SSE stream the server keeps open", async () => {
    const s = await server({ answer: "sse", keepStreamOpen: true });
    const sample = await mcpKind(probe(s), opts, deps);
    expect(sample).toMatchObject({ ok: true });
    expect(sample.failure).toBeUndefined();
  });

  it("keeps the transport's Accept even when the config sets its own", async () => {
    const s = await server();
    const sample = await mcpKind(
      probe(s, { headers: { Authorization: `Bearer ${TOKEN}`, Accept: "text/html" } }),
      opts,
      deps,
    );
    expect(sample).toMatchObject({ ok: true });
    expect(s.requests()[0]!.headers.accept).toBe("application/json, text/event-stream");
  });

  it("follows tools/list pages", async () => {
    const s = await server({ pageSize: 1 });
    expect(await mcpKind(probe(s), opts, deps)).toMatchObject({ ok: true });
    expect(s.requests().filter((r) => r.rpc === "tools/list")).toHaveLength(3);
  });

  it("fails when an expected tool is missing, naming it", async () => {
    const s = await server({ tools: ["query_support", "refresh_index"] });
    const sample = await mcpKind(probe(s), opts, deps);
    expect(sample).toMatchObject({
      ok: false,
      failure: { kind: "assertion", found: "missing insight_report (listed: query_support, refresh_index)" },
    });
  });

  it("reports a 401 after token rotation as auth (unknown, not down), without the token", async () => {
    const s = await server();
    s.rotateToken("the-new-token");
    const sample = await mcpKind(probe(s), opts, deps);
    expect(sample).toMatchObject({ ok: false, statusCode: 401, failure: { kind: "auth", status: 401 } });
    expect(INCONCLUSIVE.has(sample.failure!.kind)).toBe(true);
    expect(describeFailure(sample.failure!)).toMatch(/rotated/);
    expect(JSON.stringify(sample)).not.toContain(TOKEN);
  });

  it("is degraded (ok with a warning) when the health JSON shows a tool erroring above maxErrorRate", async () => {
    const s = await server();
    s.setToolStats("query_support", { calls: 40, errors: 2 });
    s.setToolStats("insight_report", { calls: 20, errors: 5 });
    const p = probe(s, { health: { url: s.healthUrl, maxErrorRate: 10 } });
    const sample = await mcpKind(p, opts, deps);
    expect(sample).toMatchObject({ ok: true, warning: "tool insight_report error rate 25 % (5/20 calls) > 10 %" });

    s.setToolStats("insight_report", { calls: 20, errors: 1 });
    expect((await mcpKind(p, opts, deps)).warning).toBeUndefined();
  });

  it("warns when the health endpoint is unreachable, while the MCP endpoint works", async () => {
    const s = await server();
    const port = await freePort();
    const sample = await mcpKind(probe(s, { health: { url: `http://127.0.0.1:${port}/health` } }), opts, deps);
    expect(sample).toMatchObject({ ok: true, warning: `health endpoint: connection refused by 127.0.0.1:${port}` });
  });

  it("reports a JSON-RPC error, a non-MCP answer and a dead server", async () => {
    const plain = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>hi</h1>"));
    const port = await listen(plain);
    cleanup.push(() => close(plain));
    const html = await mcpKind(McpProbe.parse({ type: "mcp", url: `http://127.0.0.1:${port}/mcp` }), opts, deps);
    expect(html.failure).toMatchObject({
      kind: "protocol",
      detail: expect.stringMatching(/content-type "text\/html"/),
    });

    const dead = await freePort();
    expect(
      (await mcpKind(McpProbe.parse({ type: "mcp", url: `http://127.0.0.1:${dead}/mcp` }), opts, deps)).failure,
    ).toEqual({
      kind: "refused",
      address: `127.0.0.1:${dead}`,
    });
  });

  it("reports an invalid URL (e.g. a bad secret value) as a failure, without echoing it", async () => {
    // The config check passes a URL that is one secret; its value is read at run time.
    const probe = { ...McpProbe.parse({ type: "mcp", url: "${MCP_URL}" }), url: "mcp-secret-value-not-a-url" };
    const sample = await mcpKind(probe, opts, deps);
    expect(sample.failure).toMatchObject({ kind: "protocol", detail: expect.stringMatching(/^the URL is not valid/) });
    expect(JSON.stringify(sample)).not.toContain("mcp-secret-value");
  });

  it("times out a server that never answers, within the sample's timeout", async () => {
    const silent = createServer(() => undefined);
    const port = await listen(silent);
    cleanup.push(() => close(silent));
    const sample = await mcpKind(
      McpProbe.parse({ type: "mcp", url: `http://127.0.0.1:${port}/mcp` }),
      { ...opts, timeoutMs: 200 },
      deps,
    );
    expect(sample.failure).toMatchObject({ kind: "timeout", phase: "firstByte" });
  });
});

describe("mcp parsing", () => {
  it("frames SSE events: comments, CRLF, multi-line data, incomplete tail", () => {
    const events = parseSse(
      ': hi\r\n\r\nevent: message\r\ndata: {"a":\r\ndata: 1}\r\n\r\nid: 7\ndata: x\n\ndata: incompl',
    );
    expect(events).toEqual([
      { event: "message", data: '{"a":\n1}' },
      { event: "message", data: "x", id: "7" },
    ]);
  });

  it("reads the runbook's LlamaIndex health JSON (errorRate strings) and exact counts", () => {
    const runbook = {
      status: "ok",
      service: "llamaindex-rag-mcp",
      tools: LLAMAINDEX_TOOLS,
      metrics: {
        query_support: { calls: 0, errors: 0, errorRate: "0%" },
        refresh_index: { errorRate: "12.5%" },
        insight_report: { calls: 3, errors: 1, errorRate: "33%" },
      },
    };
    expect(readHealth(runbook, 10)).toEqual({
      rates: [
        { tool: "query_support", rate: 0, calls: 0, errors: 0 },
        { tool: "refresh_index", rate: 12.5 },
        { tool: "insight_report", rate: 100 / 3, calls: 3, errors: 1 },
      ],
      problems: [
        "tool refresh_index error rate 12.5 % > 10 %",
        "tool insight_report error rate 33.3 % (1/3 calls) > 10 %",
      ],
    });
    expect(readHealth({ status: "degraded" }, 10)).toEqual({ rates: [], problems: ['health status "degraded"'] });
    expect(readHealth([1], 10)).toEqual({ invalid: "the health answer is not a JSON object" });
  });
});

describe("mcp probe credentials and the health endpoint", () => {
  async function healthServer(): Promise<{ url: string; auth: Array<string | undefined> }> {
    const auth: Array<string | undefined> = [];
    const h = createServer((req, res) => {
      auth.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
    });
    const port = await listen(h);
    cleanup.push(() => close(h));
    return { url: `http://127.0.0.1:${port}/health`, auth };
  }

  it("sends the Authorization header to a health URL on another origin only when configured", async () => {
    const s = await server();
    const other = await healthServer();
    expect(await mcpKind(probe(s, { health: { url: other.url } }), opts, deps)).toMatchObject({ ok: true });
    expect(await mcpKind(probe(s, { health: { url: other.url, sendHeaders: true } }), opts, deps)).toMatchObject({
      ok: true,
    });
    expect(other.auth).toEqual([undefined, `Bearer ${TOKEN}`]);
  });

  it("sends it to a health URL on the MCP endpoint's own origin", async () => {
    const s = await server();
    const sample = await mcpKind(probe(s, { health: { url: s.healthUrl } }), opts, deps);
    expect(sample).toMatchObject({ ok: true });
    const health = s.requests().filter((r) => r.method === "GET");
    expect(health.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
  });
});
