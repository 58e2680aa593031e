/**
 * `mcp` probe over MCP's streamable HTTP transport
 * (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http):
 * `initialize`, `notifications/initialized`, then `tools/list` (all pages), checking that the
 * expected tools are listed; optionally the server's health JSON for per-tool error rates.
 * A 401/403 (a rotated token) is `auth`: unknown, not down.
 */
import type { McpProbeConfig } from "../config/schema/index.ts";
import { authFailure, header, mergeHeaders, openSession, parseJson, type ApiSession } from "./api/request.ts";
import type { ProbeKind } from "./kind.ts";
import { readHealth } from "./mcp/health.ts";
import { findResponse } from "./mcp/sse.ts";
import { describeFailure, type Failure, type Sample } from "./result.ts";

export const MCP_PROTOCOL_VERSION = "2025-06-18";
const CLIENT_INFO = { name: "hotdash-ops", version: "1.0.0" };
/** tools/list pages followed at most; a server that keeps handing out cursors is broken. */
const MAX_PAGES = 20;

type Step<T> = { ok: true; value: T } | { ok: false; failure: Failure; statusCode?: number };

export const mcpKind: ProbeKind<McpProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const session = openSession(opts);
  const rpc = rpcClient(session, probe);
  let firstByte: number | undefined;
  let statusCode: number | undefined;
  const sample = (rest: Omit<Sample, "at" | "timings">): Sample => ({
    at,
    timings: { ...(firstByte !== undefined && { firstByte }), total: session.elapsed() },
    ...(statusCode !== undefined && { statusCode }),
    ...rest,
  });
  const fail = (step: { failure: Failure; statusCode?: number }) => {
    statusCode = step.statusCode ?? statusCode;
    return sample({ ok: false, failure: step.failure });
  };
  try {
    const init = await rpc.call("initialize", {
      protocolVersion: MCP_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    });
    firstByte = rpc.firstByte;
    statusCode = rpc.lastStatus;
    if (!init.ok) return fail(init);
    if (typeof init.value.protocolVersion !== "string") {
      return fail({ failure: { kind: "protocol", detail: "initialize: the result has no protocolVersion" } });
    }
    rpc.protocolVersion = init.value.protocolVersion;
    const ack = await rpc.notify("notifications/initialized");
    if (!ack.ok) return fail(ack);

    // tools/list is only offered by a server that declared the tools capability.
    const capabilities = init.value.capabilities;
    const hasTools = !!capabilities && typeof capabilities === "object" && "tools" in capabilities;
    if (!hasTools) {
      if (!probe.tools.length) return sample({ ok: true });
      return fail({
        failure: {
          kind: "assertion",
          assertion: "initialize declares the tools capability",
          expected: `tools (to list ${probe.tools.join(", ")})`,
          found: `capabilities: ${Object.keys(capabilities && typeof capabilities === "object" ? capabilities : {}).join(", ") || "none"}`,
        },
      });
    }

    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await rpc.call("tools/list", cursor === undefined ? {} : { cursor });
      if (!list.ok) return fail(list);
      if (!Array.isArray(list.value.tools))
        return fail({ failure: { kind: "protocol", detail: "tools/list: the result has no tools list" } });
      for (const t of list.value.tools)
        if (t && typeof (t as { name?: unknown }).name === "string") names.push((t as { name: string }).name);
      cursor = typeof list.value.nextCursor === "string" && list.value.nextCursor ? list.value.nextCursor : undefined;
      if (!cursor) break;
    }
    const missing = probe.tools.filter((t) => !names.includes(t));
    if (missing.length) {
      return fail({
        failure: {
          kind: "assertion",
          assertion: "tools/list lists the expected tools",
          expected: probe.tools.join(", "),
          found: `missing ${missing.join(", ")} (listed: ${names.join(", ") || "none"})`,
        },
      });
    }
    const warning = probe.health
      ? await healthWarning(session, probe.health, healthHeaders(probe), opts.redact)
      : undefined;
    return sample({ ok: true, ...(warning && { warning }) });
  } finally {
    await rpc.end();
    await session.close();
  }
};

function rpcClient(session: ApiSession, probe: McpProbeConfig) {
  let nextId = 1;
  let sessionId: string | undefined;
  const state = {
    protocolVersion: undefined as string | undefined,
    firstByte: undefined as number | undefined,
    lastStatus: undefined as number | undefined,
  };
  const headers = () =>
    mergeHeaders(probe.headers, {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": sessionId,
      "mcp-protocol-version": state.protocolVersion,
    });

  async function post(
    method: string,
    message: Record<string, unknown>,
    id?: number,
  ): Promise<Step<Record<string, unknown>>> {
    const out = await session.request({
      method: "POST",
      url: probe.url,
      headers: headers(),
      body: JSON.stringify({ jsonrpc: "2.0", ...message }),
      // A server may keep the SSE stream open after our response; stop reading once it is there.
      ...(id !== undefined && {
        stopWhen: (text: string) => !("pending" in findResponse(text, "text/event-stream", id, method)),
      }),
    });
    if (!out.ok) return out;
    const res = out.response;
    state.firstByte ??= res.firstByteMs;
    state.lastStatus = res.status;
    const auth = authFailure(res, `MCP ${method}`);
    if (auth) return { ok: false, failure: auth, statusCode: res.status };
    if (res.status === 404 && sessionId) {
      return {
        ok: false,
        statusCode: 404,
        failure: { kind: "protocol", detail: `${method}: the server forgot session ${sessionId} (404)` },
      };
    }
    if (res.status < 200 || res.status > 299)
      return { ok: false, statusCode: res.status, failure: { kind: "status", expected: "2xx", found: res.status } };
    if (id === undefined) return { ok: true, value: {} };
    sessionId ??= header(res, "mcp-session-id");
    const type = header(res, "content-type") ?? "";
    if (!type.includes("application/json") && !type.includes("text/event-stream")) {
      return {
        ok: false,
        statusCode: res.status,
        failure: {
          kind: "protocol",
          detail: `${method}: content-type "${type}"; expected application/json or text/event-stream`,
        },
      };
    }
    const found = findResponse(res.text, type, id, method);
    if ("pending" in found)
      return {
        ok: false,
        failure: { kind: "protocol", detail: `${method}: the answer ended without a response to request ${id}` },
      };
    if ("failure" in found) return { ok: false, failure: found.failure };
    return { ok: true, value: found.result };
  }

  return Object.assign(state, {
    call: (method: string, params: Record<string, unknown>) => {
      const id = nextId++;
      return post(method, { id, method, params }, id);
    },
    notify: (method: string) => post(method, { method }),
    /** Ends the session politely (the spec's DELETE); a server may refuse with 405, which is fine. */
    end: async () => {
      if (!sessionId) return;
      await session.request({ method: "DELETE", url: probe.url, headers: headers() });
    },
  });
}

/** The probe's headers carry its credentials: they go to the health URL only on the same origin, unless configured. */
function healthHeaders(probe: McpProbeConfig): Record<string, string> {
  if (!probe.health || probe.health.sendHeaders) return probe.headers;
  return sameOrigin(probe.url, probe.health.url) ? probe.headers : {};
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

async function healthWarning(
  session: ApiSession,
  health: NonNullable<McpProbeConfig["health"]>,
  headers: Record<string, string>,
  redact?: (text: string) => string,
): Promise<string | undefined> {
  const out = await session.request({
    url: health.url,
    headers: mergeHeaders(headers, { accept: "application/json" }),
  });
  if (!out.ok) return `health endpoint: ${describeFailure(out.failure)}`;
  const res = out.response;
  const auth = authFailure(res, "health endpoint");
  if (auth) return describeFailure(auth);
  if (res.status < 200 || res.status > 299) return `health endpoint answered ${res.status}`;
  const json = parseJson(res.text, "health endpoint", redact);
  if ("failure" in json) return describeFailure(json.failure);
  const reading = readHealth(json.value, health.maxErrorRate);
  if ("invalid" in reading) return reading.invalid;
  return reading.problems.length ? reading.problems.join("; ") : undefined;
}
