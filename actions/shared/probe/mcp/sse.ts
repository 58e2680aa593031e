/**
 * MCP's streamable HTTP transport answers a JSON-RPC request either with one JSON body or with a
 * Server-Sent Events stream whose `message` events carry JSON-RPC messages (notifications and
 * server requests may come before the response). This finds our response in either.
 * SSE framing: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
import type { Failure } from "../result.ts";

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Complete events in `text` (a trailing event without its blank line is not complete yet). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const blocks = text.replace(/\r\n?/g, "\n").split("\n\n");
  blocks.pop(); // unterminated (or empty) remainder
  for (const block of blocks) {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
      else if (field === "event") event = value;
      else if (field === "id") id = value;
    }
    if (data.length) events.push({ event, data: data.join("\n"), ...(id !== undefined && { id }) });
  }
  return events;
}

export type RpcOutcome = { result: Record<string, unknown> } | { failure: Failure } | { pending: true };

/**
 * Our response (matched by `id`) among the JSON-RPC messages of a body, a batch, or SSE events.
 * `pending` means the stream has not delivered it yet.
 */
export function findResponse(text: string, contentType: string, id: number, method: string): RpcOutcome {
  let messages: unknown[];
  if (contentType.includes("text/event-stream")) {
    messages = [];
    for (const e of parseSse(text)) {
      // An event with empty data carries no message: servers send one first to prime a client of
      // protocol 2025-11-25 and later for reconnection (an id, no data).
      if (e.event !== "message" || e.data.trim() === "") continue;
      try {
        messages.push(JSON.parse(e.data));
      } catch (error) {
        return { failure: { kind: "invalid-json", detail: `${method}: SSE event data: ${(error as Error).message}` } };
      }
    }
  } else {
    try {
      const body = JSON.parse(text) as unknown;
      messages = Array.isArray(body) ? body : [body];
    } catch (error) {
      return { failure: { kind: "invalid-json", detail: `${method}: ${(error as Error).message}` } };
    }
  }
  for (const m of messages) {
    if (!m || typeof m !== "object" || (m as { id?: unknown }).id !== id) continue;
    const { result, error } = m as { result?: unknown; error?: { code?: unknown; message?: unknown } };
    if (error)
      return {
        failure: {
          kind: "protocol",
          detail: `${method}: JSON-RPC error ${String(error.code)} ${String(error.message ?? "")}`.trim(),
        },
      };
    if (result && typeof result === "object" && !Array.isArray(result))
      return { result: result as Record<string, unknown> };
    return { failure: { kind: "protocol", detail: `${method}: the response has no result object` } };
  }
  return { pending: true };
}
