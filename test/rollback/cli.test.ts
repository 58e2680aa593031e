import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { rollbackCommand } from "../../scripts/commands/rollback.ts";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";
import type { MachineSpec } from "../../emulators/machines/fleet.ts";
import { APP, IMG, threeMachines } from "./fixtures.ts";

let fly: MachinesEmulator | undefined;
let health: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fly?.close();
  health?.closeAllConnections();
  await new Promise<void>((r) => (health ? health.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  fly = health = dir = undefined;
});

async function setup(machines: MachineSpec[]) {
  fly = await startMachinesEmulator({ app: APP, machines, token: "fly-cli-token" });
  health = createServer((_q, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((r) => health!.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(join(tmpdir(), "rollback-cli-"));
  const config = join(dir, "ops.config.yml");
  writeFileSync(
    config,
    [
      "defaults: { samples: 1, sampleSpacing: 0, confirmWindow: 0 }",
      "services:",
      "  - id: agent-service",
      "    name: Agent SDK",
      `    probe: { type: http, url: 'http://127.0.0.1:${(health.address() as AddressInfo).port}/health' }`,
      `    rollback: { provider: fly, app: ${APP}, apiUrl: '${fly.url}' }`,
      "",
    ].join("\n"),
  );
  const out: string[] = [];
  const err: string[] = [];
  const run = (argv: string[]) =>
    rollbackCommand([...argv, "--config", config, "--data", dir!], {
      env: { FLY_API_TOKEN: "fly-cli-token", USER: "oncall-omar" },
      cwd: dir!,
      io: { out: (t) => void out.push(t), err: (t) => void err.push(t) },
      clock: manualClock("2026-11-22T17:00:00Z"),
    });
  return { run, out, err };
}

describe("ops rollback", () => {
  it("--dry-run prints the plan, changes nothing, exits 0", async () => {
    const { run, out } = await setup(threeMachines());
    expect(await run(["agent-service", "--reason", "rehearsal", "--dry-run"])).toBe(0);
    expect(out.join("")).toContain("1. m1 (m1-name, iad, started)");
    expect(fly!.mutations()).toEqual([]);
  });

  it("rolls back and prints the record as JSON", async () => {
    const { run, out } = await setup(threeMachines());
    expect(await run(["agent-service", "--reason", "P1", "--target", "v41", "--json"])).toBe(0);
    const record = JSON.parse(out.join(""));
    expect(record).toMatchObject({ outcome: "success", dispatchedBy: "oncall-omar", to: IMG(41) });
  });

  it("exits 3 when the fleet ends split, and 2 for bad input, naming the flag", async () => {
    const { run, err } = await setup(threeMachines({ m3: { neverStarts: true } }));
    expect(await run(["agent-service", "--reason", "P1"])).toBe(3);
    await expect(run(["agent-service", "--reason", "P1", "--target", "v1; reboot"])).rejects.toMatchObject({
      code: 2,
      message: expect.stringMatching(/^Invalid rollback input:\n {2}- --target: "v1; reboot" is not valid/),
    });
    await expect(run(["nope", "--reason", "x"])).rejects.toMatchObject({
      code: 2,
      message: expect.stringMatching(/<service>: unknown service "nope"/),
    });
    await expect(run(["agent-service"])).rejects.toMatchObject({
      code: 2,
      message: expect.stringMatching(/--reason: required/),
    });
    expect(err.join("")).toContain("✗ machine m3");
  });

  it("a missing token (exit 2, a usage problem) or a refused one (exit 1) is a clear message, not a stack trace", async () => {
    const { run } = await setup(threeMachines());
    const noToken = (argv: string[], env: Record<string, string>) =>
      rollbackCommand([...argv, "--config", join(dir!, "ops.config.yml")], {
        env,
        cwd: dir!,
        io: { out: () => {}, err: () => {} },
        clock: manualClock("2026-11-22T17:00:00Z"),
      });
    // Issue 11: a missing deploy token exits with the documented usage/credential code 2, not 1.
    await expect(noToken(["agent-service", "--reason", "x", "--dry-run"], {})).rejects.toMatchObject({
      code: 2,
      message: expect.stringMatching(/^not rolled back: missing secret FLY_API_TOKEN/),
    });
    await expect(
      noToken(["agent-service", "--reason", "x", "--dry-run"], { FLY_API_TOKEN: "wrong" }),
    ).rejects.toMatchObject({
      code: 1,
      message: expect.stringMatching(/^not rolled back: \[GET\] .*401 unauthorized — the Fly token was refused/),
    });
    expect(await run(["agent-service", "--reason", "x", "--dry-run"])).toBe(0);
  });
});
