import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock, type Clock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { engineProbe, verifyService } from "../../actions/rollback/verify.ts";

let server: Server;
let answers: number[];
let url: string;
beforeEach(async () => {
  answers = [];
  server = createServer((_q, res) => {
    const status = answers.shift() ?? 200;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: status === 200 ? "ok" : "error" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function setup(clock: Clock, env: Record<string, string> = {}, probeUrl = url) {
  const config = OpsConfig.parse({
    defaults: { samples: 1, sampleSpacing: 0, confirmWindow: 0 },
    services: [
      {
        id: "agent-service",
        name: "Agent SDK",
        probe: { type: "http", url: probeUrl, expect: { json: [{ path: "status", equals: "ok" }] } },
      },
    ],
  });
  const service = config.services[0]!;
  return {
    service,
    defaults: config.defaults,
    probe: engineProbe({ defaults: config.defaults, clock, env, redactor: createRedactor() }),
  };
}

describe("verification with the foundation probe engine", () => {
  it("needs consecutive healthy rounds: a flap resets the streak", async () => {
    answers = [503, 200, 503, 200, 200];
    const clock = manualClock("2026-11-22T17:00:00Z");
    const v = await verifyService({ ...setup(clock), clock, intervalMs: 10_000 });
    expect(v.healthy).toBe(true);
    expect(v.rounds.map((r) => r.status)).toEqual(["down", "up", "down", "up", "up"]);
    expect(v.durationMs).toBe(40_000);
  });

  it("fails after the timeout (default 5 minutes) with the last probe's reason", async () => {
    answers = Array(100).fill(500);
    const clock = manualClock("2026-11-22T17:00:00Z");
    const v = await verifyService({ ...setup(clock), clock });
    expect(v.healthy).toBe(false);
    expect(v.summary).toMatch(/agent-service did not stay up within 300 s; last probe: down \(.*500.*\)/);
    expect(v.durationMs).toBe(300_000);
  });

  it("stops even when the clock never moves (bounded by a count of rounds)", async () => {
    answers = Array(100).fill(500);
    const frozen: Clock = { now: () => new Date("2026-11-22T17:00:00Z"), sleep: async () => {} };
    const v = await verifyService({ ...setup(frozen), clock: frozen, timeoutMs: 60_000, intervalMs: 15_000 });
    expect(v.healthy).toBe(false);
    expect(v.rounds.length).toBe(6);
  });

  it("a probe that cannot run (missing secret) is not health", async () => {
    const clock = manualClock("2026-11-22T17:00:00Z");
    const v = await verifyService({ ...setup(clock, {}, `${url}?key=\${AGENT_KEY}`), clock, timeoutMs: 30_000 });
    expect(v.healthy).toBe(false);
    expect(v.rounds[0]).toMatchObject({ status: "unknown", reason: "missing secret AGENT_KEY" });
  });
});
