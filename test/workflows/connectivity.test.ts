import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConnectivity, offlineResults } from "../../actions/shared/connectivity.ts";

/** A real server that answers 503 (still "reachable"), and a port where nothing listens. */
let server: Server;
let up: string;
let closed: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(503);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  up = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const spare = createServer();
  await new Promise<void>((r) => spare.listen(0, "127.0.0.1", r));
  closed = `http://127.0.0.1:${(spare.address() as AddressInfo).port}/`;
  await new Promise((r) => spare.close(r));
});
afterAll(() => new Promise((r) => server.close(r)));

describe("checkConnectivity (runner pre-check)", () => {
  it("is online when any URL answers, whatever its status", async () => {
    expect(await checkConnectivity({ urls: [closed, up], timeout: 2_000 })).toEqual({ online: true, failures: [] });
  });

  it("is online when no URL is configured (check disabled)", async () => {
    expect((await checkConnectivity({ urls: [], timeout: 2_000 })).online).toBe(true);
  });

  it("is offline when none answers, with an offline failure naming each URL's error", async () => {
    const out = await checkConnectivity({ urls: [closed], timeout: 2_000 });
    expect(out.online).toBe(false);
    expect(out.failures).toEqual([{ url: closed, error: expect.stringContaining("ECONNREFUSED") }]);
    expect(out.offline).toEqual({
      kind: "offline",
      detail: expect.stringMatching(/^none of 1 connectivity URL\(s\) reachable \(http:\/\/127/),
    });
  });

  it("turns every service into an inconclusive result, so nothing is blamed", async () => {
    const out = await checkConnectivity({ urls: [closed], timeout: 2_000 });
    const results = offlineResults(
      [{ id: "a", probe: { type: "http" } }],
      out.offline!,
      new Date("2026-11-22T16:00:00Z"),
    );
    expect(results).toEqual([expect.objectContaining({ serviceId: "a", samples: [], inconclusive: out.offline })]);
  });
});
