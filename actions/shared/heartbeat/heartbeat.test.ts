import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Heartbeat as HeartbeatSchema } from "../config/schema/heartbeat.ts";
import { createRedactor } from "../config/secrets.ts";
import {
  gapSubject,
  heartbeatFromConfig,
  measureGap,
  pingUrl,
  recordGap,
  type GapDecision,
  type MonitoringGap,
} from "./index.ts";

/** A dead-man service on loopback: records each ping's method, path and body; can answer 500 or hang. */
interface DeadMan {
  url: string;
  pings: Array<{ method: string; path: string; body: string }>;
  mode: "ok" | "error" | "hang";
  close(): Promise<void>;
}

const servers: DeadMan[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function deadMan(): Promise<DeadMan> {
  const d: DeadMan = { url: "", pings: [], mode: "ok", close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      d.pings.push({ method: req.method ?? "", path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      if (d.mode === "hang") return;
      res.writeHead(d.mode === "error" ? 500 : 200, { "content-type": "text/plain" });
      res.end(d.mode === "error" ? "boom" : "OK");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  d.close = () =>
    new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  servers.push(d);
  return d;
}

const UUID = "5f1f0c2e-8d3b-4c7a-9e61-0a1b2c3d4e5f";

describe("heartbeat pings (healthchecks.io semantics) against a loopback receiver", () => {
  it("start, then success; start, then fail with the exit code", async () => {
    const hc = await deadMan();
    const logs: string[] = [];
    const config = HeartbeatSchema.parse({ urls: ["${HC_URL}"] });
    const hb = heartbeatFromConfig(config, { HC_URL: `${hc.url}/ping/${UUID}` }, createRedactor(), (l) => logs.push(l));
    expect(await hb.start()).toEqual([{ target: "heartbeat 1", kind: "start", ok: true }]);
    expect(await hb.finish(0, "14 services, 1 incident open")).toEqual([
      { target: "heartbeat 1", kind: "success", ok: true },
    ]);
    await hb.start();
    expect(await hb.finish(1)).toEqual([{ target: "heartbeat 1", kind: "fail", ok: true }]);
    await hb.finish(2);
    expect(hc.pings.map((p) => `${p.method} ${p.path}`)).toEqual([
      `POST /ping/${UUID}/start`,
      `POST /ping/${UUID}`,
      `POST /ping/${UUID}/start`,
      `POST /ping/${UUID}/1`,
      `POST /ping/${UUID}/2`,
    ]);
    expect(hc.pings[1]!.body).toBe("14 services, 1 incident open");
    expect(logs).toEqual([]);
  });

  it("Cronitor and plain (Better Stack) styles", () => {
    const cronitor = { url: "https://cronitor.link/p/KEY/hotdash-monitor", style: "cronitor" as const };
    expect(pingUrl(cronitor, "start")).toBe("https://cronitor.link/p/KEY/hotdash-monitor?state=run");
    expect(pingUrl(cronitor, "success")).toBe("https://cronitor.link/p/KEY/hotdash-monitor?state=complete");
    expect(pingUrl(cronitor, "fail", 2)).toBe("https://cronitor.link/p/KEY/hotdash-monitor?state=fail&status_code=2");
    const plain = { url: "https://uptime.betterstack.com/api/v1/heartbeat/TOKEN", style: "plain" as const };
    expect(pingUrl(plain, "start")).toBeUndefined();
    expect(pingUrl(plain, "success")).toBe("https://uptime.betterstack.com/api/v1/heartbeat/TOKEN");
    expect(pingUrl(plain, "fail", 1)).toBe("https://uptime.betterstack.com/api/v1/heartbeat/TOKEN/fail");
    expect(pingUrl("https://hc-ping.com/UUID/", "fail", 300)).toBe("https://hc-ping.com/UUID/255");
  });

  it("a dead-man service that hangs or fails never fails the run nor holds it past the timeout; the URL is never logged", async () => {
    const hung = await deadMan();
    hung.mode = "hang";
    const broken = await deadMan();
    broken.mode = "error";
    const fine = await deadMan();
    const logs: string[] = [];
    const config = HeartbeatSchema.parse({
      urls: ["${HUNG}", "${BROKEN}", "${UNSET}", { url: "${FINE}", style: "plain" }],
      timeout: "300ms",
    });
    const env = { HUNG: `${hung.url}/${UUID}`, BROKEN: `${broken.url}/${UUID}-b`, FINE: `${fine.url}/${UUID}-c` };
    const hb = heartbeatFromConfig(config, env, createRedactor(), (l) => logs.push(l));
    const started = Date.now();
    const results = await hb.finish(0);
    const elapsed = Date.now() - started;
    expect(results).toEqual([
      { target: "heartbeat 1", kind: "success", ok: false, error: "no answer within 300 ms" },
      { target: "heartbeat 2", kind: "success", ok: false, error: "answered 500" },
      { target: "heartbeat 4", kind: "success", ok: true },
    ]);
    expect(fine.pings).toHaveLength(1);
    expect(elapsed).toBeLessThan(2_000); // the hung peer costs one 300 ms timeout, in parallel
    expect(logs.sort()).toEqual([
      "heartbeat 1: success ping no answer within 300 ms (the run goes on)",
      "heartbeat 2: success ping answered 500 (the run goes on)",
      "heartbeat 3: not pinged, missing secret UNSET",
    ]);
    expect(logs.join("\n")).not.toContain(UUID);
  });

  it("no URLs: no pings, nothing logged", async () => {
    const logs: string[] = [];
    const hb = heartbeatFromConfig(HeartbeatSchema.parse({}), {}, createRedactor(), (l) => logs.push(l));
    expect(await hb.start()).toEqual([]);
    expect(await hb.finish(1)).toEqual([]);
    expect(logs).toEqual([]);
  });
});

describe("the gap since the previous run, over replayed run times", () => {
  const HOUR = 3_600_000;
  /** Runs at these times (UTC, one day), each measuring its gap from the one before, as `--now` replays would. */
  function replay(times: string[], cron = "*/5 * * * *", thresholdMs?: number): GapDecision[] {
    let previous: string | undefined;
    return times.map((t) => {
      const now = new Date(`2026-11-22T${t}:00Z`);
      const d = measureGap({
        previousRunAt: previous,
        now,
        cron,
        incidentAfterMs: HOUR,
        ...(thresholdMs ? { thresholdMs } : {}),
      });
      previous = now.toISOString();
      return d;
    });
  }

  it("late runs within 3× the cadence are fine; a longer gap is recorded; over an hour opens an incident", () => {
    const d = replay(["16:00", "16:05", "16:13", "16:27", "16:43", "18:00", "18:05"]);
    expect(d.map((x) => x.kind)).toEqual(["first-run", "ok", "ok", "ok", "gap", "gap", "ok"]);
    expect(d[3]).toEqual({ kind: "ok", gapMs: 14 * 60_000, thresholdMs: 15 * 60_000 });
    const late = d[4] as Extract<GapDecision, { kind: "gap" }>;
    expect(late.openIncident).toBe(false);
    expect(late.gap).toEqual({
      from: "2026-11-22T16:27:00.000Z",
      to: "2026-11-22T16:43:00.000Z",
      gapMs: 16 * 60_000,
      thresholdMs: 15 * 60_000,
      summary: "no monitoring run for 16 min (2026-11-22 16:27 UTC to 2026-11-22 16:43 UTC; expected at most 15 min)",
    });
    const long = d[5] as Extract<GapDecision, { kind: "gap" }>;
    expect(long.openIncident).toBe(true);
    expect(long.gap.summary).toMatch(/^no monitoring run for 77 min/);
  });

  it("the threshold follows the schedule: hourly runs, and a schedule that pauses overnight", () => {
    expect(replay(["10:00", "12:30"], "0 * * * *").map((x) => x.kind)).toEqual(["first-run", "ok"]);
    expect(replay(["10:00", "13:01"], "0 * * * *")[1]).toMatchObject({ kind: "gap", openIncident: true });
    // Every 10 min from 08:00 to 18:59: the night is the schedule, not a gap.
    const day = measureGap({
      previousRunAt: "2026-11-22T18:50:00Z",
      now: new Date("2026-11-23T08:00:00Z"),
      cron: "*/10 8-18 * * *",
      incidentAfterMs: HOUR,
    });
    expect(day.kind).toBe("ok");
    const missed = measureGap({
      previousRunAt: "2026-11-22T18:50:00Z",
      now: new Date("2026-11-23T08:40:00Z"),
      cron: "*/10 8-18 * * *",
      incidentAfterMs: HOUR,
    });
    expect(missed.kind).toBe("gap");
    // A configured threshold wins.
    expect(replay(["10:00", "10:09"], "*/5 * * * *", 8 * 60_000)[1]).toMatchObject({ kind: "gap" });
  });

  it("replaying the same runs gives the same decisions; a replay at an earlier time reports no gap", () => {
    const times = ["16:00", "16:40", "18:00"];
    expect(replay(times)).toEqual(replay(times));
    expect(
      measureGap({
        previousRunAt: "2026-11-22T18:00:00Z",
        now: new Date("2026-11-22T17:00:00Z"),
        cron: "*/5 * * * *",
        incidentAfterMs: HOUR,
      }).kind,
    ).toBe("ok");
  });

  it("gaps are kept newest first, bounded, never twice; the P3 subject fails only on the run that found a long gap", () => {
    const g = (from: string, to: string): MonitoringGap => ({
      from,
      to,
      gapMs: Date.parse(to) - Date.parse(from),
      thresholdMs: 900_000,
      summary: `${from}–${to}`,
    });
    let kept: MonitoringGap[] = [];
    for (let h = 10; h < 22; h++) kept = recordGap(kept, g(`2026-11-22T${h}:00:00Z`, `2026-11-22T${h}:30:00Z`), 5);
    kept = recordGap(kept, g("2026-11-22T21:00:00Z", "2026-11-22T21:30:00Z"), 5);
    expect(kept.map((x) => x.from.slice(11, 13))).toEqual(["21", "20", "19", "18", "17"]);

    const d = replay(["16:00", "18:00", "18:05"]);
    const now = new Date("2026-11-22T18:00:00Z");
    expect(gapSubject(d[1]!, now)).toMatchObject({
      key: "monitor:gap",
      status: "down",
      severity: "P3",
      since: "2026-11-22T16:00:00.000Z",
    });
    expect(gapSubject(d[1]!, now).evidence).toContain(
      "no monitoring run for 2 h (2026-11-22 16:00 UTC to 2026-11-22 18:00 UTC",
    );
    expect(gapSubject(d[2]!, new Date("2026-11-22T18:05:00Z"))).toMatchObject({ status: "up", reason: "" });
  });
});

describe("heartbeat in the config", () => {
  it("URLs are secrets: a reference passes quietly, a literal ping URL is a warning", async () => {
    const { loadConfig } = await import("../config/load.ts");
    const base = "services:\n  - { id: web, name: Web, probe: { type: http, url: https://example.com/ } }\n";
    const ref = loadConfig(
      "ops.config.yml",
      `${base}heartbeat:\n  urls: ["\${HEARTBEAT_URL}", { url: "\${CRONITOR_URL}", style: cronitor }]\n  gapIncident: 2h\n`,
    );
    if (!ref.ok) throw new Error(JSON.stringify(ref.errors));
    expect(ref.warnings).toEqual([]);
    expect(ref.config.heartbeat).toEqual({
      urls: ["${HEARTBEAT_URL}", { url: "${CRONITOR_URL}", style: "cronitor" }],
      timeout: 3_000,
      gapIncident: 7_200_000,
    });
    const literal = loadConfig("ops.config.yml", `${base}heartbeat: { urls: ["https://hc-ping.com/${UUID}"] }\n`);
    expect(literal.warnings.map((w) => w.path)).toEqual(["heartbeat.urls[0]"]);
    expect(JSON.stringify(literal.warnings)).not.toContain(UUID);
  });
});
