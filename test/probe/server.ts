import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function listen(server: http.Server | net.Server, scheme: string): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A real HTTP server on 127.0.0.1, on a free port. */
export function startHttp(handler: Handler): Promise<TestServer> {
  return listen(http.createServer(handler), "http");
}

export function startHttps(pair: { key: string; cert: string }, handler: Handler): Promise<TestServer> {
  return listen(https.createServer({ key: pair.key, cert: pair.cert }, handler), "https");
}

/** A raw TCP server: for peers that accept and then misbehave below HTTP. */
export async function startTcp(onSocket: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => sockets.delete(s));
    onSocket(s);
  });
  const t = await listen(server, "http");
  return {
    ...t,
    close: async () => {
      for (const s of sockets) s.destroy();
      await t.close();
    },
  };
}

/** A port nothing listens on: bind one, then let it go. */
export async function closedPort(): Promise<number> {
  const t = await startTcp(() => undefined);
  await t.close();
  return t.port;
}

/**
 * Servers a test file starts, closed after each test: `const serve = closedAfterEach();` then
 * `const s = await serve(startHttp(...))`.
 */
export function closedAfterEach(): (server: Promise<TestServer>) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (server) => {
    const s = await server;
    servers.push(s);
    return s;
  };
}
