import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { manualClock } from "../../actions/shared/clock.ts";
import { WebSocketProbe } from "../../actions/shared/config/schema/index.ts";
import { createWebSocketProbe, websocketKind } from "../../actions/shared/probe/websocket.ts";
import { deps, opts } from "../probe/helpers.ts";
import { closedPort, startTcp, type TestServer } from "../probe/server.ts";
import { makeTestCertificates, type TestCertificates } from "../servers/tls.ts";

/**
 * A real WebSocket server (the `ws` package) speaking like Chatwoot's Action Cable: a welcome on
 * connect, pings, and a confirmation when a channel is subscribed. A token in the query string
 * is required.
 */
function actionCable(server: Server): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    verifyClient: (info, cb) => {
      const token = new URL(info.req.url ?? "/", "http://x").searchParams.get("token");
      if (token !== "cable-token") return cb(false, 401, "Unauthorized");
      cb(true);
    },
  });
  wss.on("connection", (ws, req) => {
    if (req.url?.startsWith("/silent")) return;
    if (req.url?.startsWith("/bye")) return ws.close(1011, "internal error");
    ws.send(JSON.stringify({ type: "welcome" }));
    const ping = setInterval(() => ws.send(JSON.stringify({ type: "ping", message: Date.now() })), 20);
    ws.on("close", () => clearInterval(ping));
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString()) as { command?: string; identifier?: string };
      if (msg.command === "subscribe")
        ws.send(JSON.stringify({ identifier: msg.identifier, type: "confirm_subscription" }));
    });
  });
  return wss;
}

let certs: TestCertificates;
let plain: Server;
let secure: Server;
let plainUrl: string;
let secureUrl: string;
let mute: TestServer;

beforeAll(async () => {
  certs = await makeTestCertificates();
  plain = createHttpServer();
  secure = createHttpsServer({ key: certs.valid.key, cert: certs.valid.cert });
  actionCable(plain);
  actionCable(secure);
  await Promise.all([plain, secure].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  plainUrl = `ws://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  secureUrl = `wss://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  mute = await startTcp(() => undefined); // accepts, never answers the handshake
});
afterAll(async () => {
  for (const s of [plain, secure]) s?.closeAllConnections();
  await Promise.all([...[plain, secure].map((s) => new Promise((r) => s.close(r))), mute?.close()]);
});

const probe = (input: Record<string, unknown>) => WebSocketProbe.parse({ type: "websocket", ...input });
const SUBSCRIBE = JSON.stringify({ command: "subscribe", identifier: '{"channel":"RoomChannel"}' });

describe("websocket probe against a real ws server", () => {
  it("opens, sends a subscribe and waits past pings for the confirmation", async () => {
    const s = await websocketKind(
      probe({ url: `${plainUrl}/cable?token=cable-token`, send: SUBSCRIBE, expect: "confirm_subscription" }),
      opts(),
      deps(),
    );
    expect(s).toMatchObject({ ok: true, statusCode: 101 });
    expect(s.timings.firstByte).toBeGreaterThanOrEqual(s.timings.connect!);
    expect(s.timings.total).toBeGreaterThanOrEqual(s.timings.firstByte!);
    expect(await websocketKind(probe({ url: `${plainUrl}/cable?token=cable-token` }), opts(), deps())).toMatchObject({
      ok: true,
    });
  });

  it("wss: handshake timed, certificate days by the injected clock, untrusted CA refused", async () => {
    const notAfter = new Date(new X509Certificate(certs.valid.cert).validTo);
    const clock = manualClock(new Date(notAfter.getTime() - 5.5 * 86_400_000));
    const s = await createWebSocketProbe({ ca: certs.ca.cert })(
      probe({ url: `${secureUrl}/cable?token=cable-token`, expect: "welcome" }),
      opts(),
      { clock },
    );
    expect(s).toMatchObject({ ok: true, certDaysLeft: 5 });
    expect(s.timings.tls).toBeGreaterThanOrEqual(s.timings.connect!);
    const untrusted = await websocketKind(probe({ url: `${secureUrl}/cable?token=cable-token` }), opts(), deps());
    expect(untrusted.failure).toMatchObject({ kind: "tls", problem: "untrusted" });
  });

  it("a refused token is auth (unknown), a missing reply names what came, a close names its code", async () => {
    const refused = await websocketKind(probe({ url: `${plainUrl}/cable?token=rotated` }), opts(), deps());
    expect(refused).toMatchObject({ statusCode: 401, failure: { kind: "auth", status: 401 } });
    const wrong = await websocketKind(
      probe({ url: `${plainUrl}/cable?token=cable-token`, expect: "confirm_subscription" }),
      opts({ timeoutMs: 300 }),
      deps(),
    );
    expect(wrong.failure).toMatchObject({
      kind: "assertion",
      expected: '"confirm_subscription"',
      found: expect.stringMatching(/ping.*\(no match before the timeout\)$/),
    });
    const silent = await websocketKind(
      probe({ url: `${plainUrl}/silent?token=cable-token`, expect: "welcome" }),
      opts({ timeoutMs: 300 }),
      deps(),
    );
    expect(silent.failure).toMatchObject({ kind: "timeout", phase: "body" });
    const bye = await websocketKind(
      probe({ url: `${plainUrl}/bye?token=cable-token`, expect: "welcome" }),
      opts(),
      deps(),
    );
    expect(bye.failure).toEqual({
      kind: "assertion",
      assertion: "a message contains",
      expected: '"welcome"',
      found: "the server closed the connection (1011 internal error)",
    });
  });

  it("nothing listening is refused; a peer that never answers the handshake times out", async () => {
    const port = await closedPort();
    expect((await websocketKind(probe({ url: `ws://127.0.0.1:${port}/cable` }), opts(), deps())).failure).toEqual({
      kind: "refused",
      address: `127.0.0.1:${port}`,
    });
    const hang = await websocketKind(
      probe({ url: `ws://127.0.0.1:${mute.port}/cable` }),
      opts({ timeoutMs: 300 }),
      deps(),
    );
    expect(hang.failure).toMatchObject({ kind: "timeout", phase: "firstByte" });
    const notWs = await websocketKind(probe({ url: "https://127.0.0.1/cable" }), opts(), deps());
    expect(notWs.failure).toMatchObject({ kind: "protocol" });
  });
});
