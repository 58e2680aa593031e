import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { createFlyClient, FlyApiError } from "../../actions/rollback/fly.ts";
import {
  describePlan,
  describeTarget,
  parseFlyTarget,
  planFlyRollback,
  resolveFlyTarget,
} from "../../actions/rollback/plan.ts";
import { describeFleet, executeFlyPlan } from "../../actions/rollback/execute.ts";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";
import { APP, IMG, threeMachines } from "./fixtures.ts";
import type { MachineSpec } from "../../emulators/machines/fleet.ts";

let emu: MachinesEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function setup(machines: MachineSpec[]) {
  emu = await startMachinesEmulator({ app: APP, machines });
  const clock = manualClock("2026-11-22T16:00:00Z");
  const retries: number[] = [];
  const fly = createFlyClient({
    apiUrl: emu.url,
    app: APP,
    token: emu.token,
    clock,
    onRetry: (r) => retries.push(r.waitMs),
  });
  const log: string[] = [];
  const run = async (target?: string) => {
    const machinesNow = await fly.listMachines();
    const versions = await Promise.all(machinesNow.map((m) => fly.listVersions(m.id)));
    const plan = planFlyRollback(APP, machinesNow, resolveFlyTarget(parseFlyTarget(target), machinesNow, versions));
    const result = await executeFlyPlan(plan, {
      fly,
      clock,
      log: (l) => log.push(l),
      description: "rollback by alice: test",
      checksPollMs: 1_000,
    });
    return { plan, result };
  };
  return { emu, fly, clock, retries, log, run };
}

describe("rolling a Fly app back", () => {
  it("rolls every machine, one at a time, to the previous distinct image with its full config", async () => {
    const { emu, run } = await setup(threeMachines());
    const before = structuredClone(emu.machine("m1").config);
    const { plan, result } = await run();

    expect(plan.target).toMatchObject({ image: IMG(42), releaseVersion: 42, source: "previous distinct image" });
    expect(describePlan(plan).join("\n")).toContain(`m1 (m1-name, iad, started): ${IMG(43)} → ${IMG(42)}`);
    expect(result.outcome).toBe("success");
    expect(result.machines.map((m) => [m.machineId, m.status, m.runningImage, m.state])).toEqual([
      ["m1", "updated", IMG(42), "started"],
      ["m2", "updated", IMG(42), "started"],
      ["m3", "updated", IMG(42), "started"],
    ]);
    // Full config sent: only the image differs.
    expect(emu.machine("m1").config).toEqual({ ...before, image: IMG(42) });
    // Leases taken before each update, released after, and machines never overlap.
    const order = emu.mutations().map((r) => `${r.method} ${r.path.split("/machines/")[1]}`);
    expect(order).toEqual([
      "POST m1/lease",
      "POST m1",
      "DELETE m1/lease",
      "POST m2/lease",
      "POST m2",
      "DELETE m2/lease",
      "POST m3/lease",
      "POST m3",
      "DELETE m3/lease",
    ]);
    // The lease outlives the longest a machine may take (start 300 s + checks 300 s + margin).
    expect(emu.mutations()[0]!.body).toEqual({ ttl: 720, description: "rollback by alice: test" });
    const update = emu.mutations().find((r) => r.method === "POST" && r.path.endsWith("/m1"))!;
    expect(update.headers["fly-machine-lease-nonce"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(["m1", "m2", "m3"].map((id) => emu.machine(id).lease)).toEqual([undefined, undefined, undefined]);
  });

  it("stops at a machine that never starts and reports exactly which machine runs which image", async () => {
    const { run, log } = await setup(threeMachines({ m2: { neverStarts: true } }));
    const { result } = await run("v41");

    expect(result.outcome).toBe("partial");
    expect(result.failure).toMatch(/machine m2: updated to .*deployment-041 but did not reach "started"/);
    expect(result.machines.map((m) => [m.machineId, m.status, m.runningImage, m.state])).toEqual([
      ["m1", "updated", IMG(41), "started"],
      ["m2", "failed", IMG(41), "starting"],
      ["m3", "not-attempted", IMG(43), "started"],
    ]);
    expect(describeFleet(result.machines)).toBe(`2 of 3 on ${IMG(41)} (m1, m2); 1 of 3 on ${IMG(43)} (m3)`);
    expect(log.join("\n")).toContain("✗ machine m2");
    expect(emu!.machine("m2").lease).toBeUndefined();
    expect(emu!.requests.some((r) => r.path.endsWith("/m3") && r.method === "POST")).toBe(false);
  });

  it("reports failing checks as a failure, not a success", async () => {
    const { run } = await setup(threeMachines({ m1: { checksNeverPass: true } }));
    const { result } = await run();
    expect(result.outcome).toBe("partial");
    expect(result.failure).toMatch(
      /m1: started on .* but its checks did not pass within 300 s: servicecheck-00-http-8080: critical/,
    );
    expect(result.machines.map((m) => m.status)).toEqual(["failed", "not-attempted", "not-attempted"]);
  });

  it("bounds its waits by a count too, so a clock that never moves cannot hang it", async () => {
    emu = await startMachinesEmulator({ app: APP, machines: threeMachines({ m1: { checksNeverPass: true } }) });
    const frozen = { now: () => new Date("2026-11-22T16:00:00Z"), sleep: async () => {} };
    const fly = createFlyClient({ apiUrl: emu.url, app: APP, token: emu.token, clock: frozen });
    const result = await fly.waitForChecks("m1", { timeoutMs: 60_000, pollMs: 5_000 });
    // m1 is passing at first (no update yet): make it critical by updating it under a lease.
    expect(result.ok).toBe(true);
    const lease = await fly.acquireLease("m1", { ttlSeconds: 60, description: "t" });
    const m = await fly.getMachine("m1");
    await fly.updateMachine("m1", { ...m.config, image: IMG(42) }, lease.nonce);
    const before = emu.requests.length;
    const after = await fly.waitForChecks("m1", { timeoutMs: 60_000, pollMs: 5_000 });
    expect(after.ok).toBe(false);
    expect(emu.requests.length - before).toBe(13);
  });

  it("a lease that cannot be released or a machine that cannot be read back is a warning, never a silent success", async () => {
    const { emu, run } = await setup(threeMachines());
    emu.failNext("DELETE", "/m2/lease", 500);
    const { result } = await run();
    expect(result.outcome).toBe("success");
    expect(result.warnings).toEqual([
      expect.stringMatching(/^lease on m2 not released \(it expires by itself\): \[DELETE\] .*500 injected 500/),
    ]);

    // Our own unreleased lease now blocks a second rollout until it expires: refused, nothing changed.
    const blocked = await run("v41");
    expect(blocked.result.failure).toMatch(/^machine m2 is leased by rollback@example.com/);
  });

  it("a machine that cannot be read back is unknown, so the outcome cannot be success or nothing-changed", async () => {
    const { emu, run } = await setup(threeMachines());
    // 7 attempts fail m3's read under the lease, 7 more fail the read-back.
    emu.failNext("GET", "/machines/m3", 500, 14);
    const { result } = await run();
    expect(result.machines.map((m) => [m.machineId, m.status, m.runningImage])).toEqual([
      ["m1", "updated", IMG(42)],
      ["m2", "updated", IMG(42)],
      ["m3", "failed", "unknown"],
    ]);
    expect(result.outcome).toBe("partial");
    expect(result.warnings).toEqual([expect.stringMatching(/^could not read m3 back: \[GET\] .*500 injected 500/)]);
    expect(describeFleet(result.machines)).toBe(`2 of 3 on ${IMG(42)} (m1, m2); 1 of 3 on unknown (m3)`);
  });

  it("starts no machine that could outlast the rollout budget, so the job timeout never cuts a rollout unrecorded", async () => {
    emu = await startMachinesEmulator({ app: APP, machines: threeMachines({ m1: { checksPassAfter: 50 } }) });
    const clock = manualClock("2026-11-22T16:00:00Z");
    const fly = createFlyClient({ apiUrl: emu.url, app: APP, token: emu.token, clock });
    const machines = await fly.listMachines();
    const versions = await Promise.all(machines.map((m) => fly.listVersions(m.id)));
    const plan = planFlyRollback(APP, machines, resolveFlyTarget(parseFlyTarget(undefined), machines, versions));
    // m1's checks take 50 polls × 5 s = 250 s; then m2 (up to 10 min) would end after the 12 min budget.
    const result = await executeFlyPlan(plan, {
      fly,
      clock,
      log: () => {},
      description: "t",
      deadline: new Date("2026-11-22T16:12:00Z"),
    });
    expect(result.machines.map((m) => m.status)).toEqual(["updated", "not-attempted", "not-attempted"]);
    expect(result.outcome).toBe("partial");
    expect(result.failure).toMatch(
      /^stopped before m2: it might not finish \(up to 10 min\) within the rollout budget ending 2026-11-22T16:12:00.000Z; 2 machine\(s\) not attempted/,
    );
  });

  it("refuses to touch anything when a machine is leased by someone else", async () => {
    const { emu, run } = await setup(
      threeMachines({ m3: { leasedBy: { owner: "bob@hotdash.com", description: "fly deploy" } } }),
    );
    const { result } = await run();
    expect(result.outcome).toBe("failed");
    expect(result.failure).toMatch(
      /machine m3 is leased by bob@hotdash.com until .* \("fly deploy"\); .*Nothing was changed/,
    );
    expect(emu.mutations()).toEqual([]);
    expect(result.machines.every((m) => m.runningImage === IMG(43) && m.status === "not-attempted")).toBe(true);
  });

  it("waits out 429s, honouring Retry-After, then backing off exponentially", async () => {
    const { emu, fly, clock, retries } = await setup(threeMachines());
    const t0 = clock.now().getTime();
    emu.rateLimitNext(2, "7");
    expect((await fly.listMachines()).length).toBe(3);
    emu.rateLimitNext(3);
    expect((await fly.getMachine("m1")).id).toBe("m1");
    expect(retries).toEqual([7_000, 7_000, 1_000, 2_000, 4_000]);
    expect(clock.now().getTime() - t0).toBe(21_000);
    expect(emu.requests.filter((r) => r.method === "GET").length).toBe(7);
  });

  it("gives up on endless 429s with a message that says what to do", async () => {
    const { emu, fly } = await setup(threeMachines());
    emu.rateLimitNext(100, "1");
    const error = await fly.listMachines().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlyApiError);
    expect(String(error)).toMatch(/429 rate limit exceeded — still rate limited after 6 retries/);
  });

  it("explains a refused token", async () => {
    emu = await startMachinesEmulator({ app: APP, machines: threeMachines() });
    const fly = createFlyClient({
      apiUrl: emu.url,
      app: APP,
      token: "wrong",
      clock: manualClock("2026-11-22T16:00:00Z"),
    });
    await expect(fly.listMachines()).rejects.toThrow(/401 unauthorized — the Fly token was refused: set FLY_API_TOKEN/);
  });
});

describe("targets", () => {
  it("accepts release versions and tagged or digested image refs", () => {
    expect(parseFlyTarget(undefined)).toEqual({ kind: "previous" });
    expect(parseFlyTarget("v42")).toEqual({ kind: "release", version: 42 });
    expect(parseFlyTarget("42")).toEqual({ kind: "release", version: 42 });
    expect(parseFlyTarget(IMG(42))).toEqual({ kind: "image", ref: IMG(42) });
    const digest = `ghcr.io/hotdash/agent@sha256:${"a".repeat(64)}`;
    expect(parseFlyTarget(digest)).toEqual({ kind: "image", ref: digest });
    expect(parseFlyTarget("localhost:5000/app:1.2.3")).toEqual({ kind: "image", ref: "localhost:5000/app:1.2.3" });
  });

  it.each([
    ["nginx; rm -rf /", /is not valid: expected a release version/],
    ["nginx", /needs an explicit tag or digest/],
    ["Registry.fly.io/App:tag", /is not valid/],
    ["app@sha256:abc", /is not valid/],
    ["v0", /is not valid/],
    ["--image=evil:1", /is not valid/],
  ])("rejects %j", (target, message) => {
    expect(() => parseFlyTarget(target)).toThrow(message);
  });

  it("names a release target once: (release v42), not (release v42, release v42)", async () => {
    const { run } = await setup(threeMachines());
    const { plan } = await run("v42");
    expect(describePlan(plan)[0]).toContain(`to ${IMG(42)} (release v42), one at a time:`);
    const previous = await run();
    expect(describePlan(previous.plan)[0]).toMatch(/\(previous distinct image(, release v\d+)?\), one at a time:/);
    expect(describeTarget({ source: "release v42", releaseVersion: 42 })).toBe("release v42");
    expect(describeTarget({ source: "previous distinct image", releaseVersion: 42 })).toBe(
      "previous distinct image, release v42",
    );
    expect(describeTarget({ source: "given image" })).toBe("given image");
  });

  it("resolves a release version from the version history, and names the known ones when it is missing", async () => {
    const { fly } = await setup(threeMachines());
    const machines = await fly.listMachines();
    const versions = await Promise.all(machines.map((m) => fly.listVersions(m.id)));
    expect(resolveFlyTarget({ kind: "release", version: 41 }, machines, versions)).toEqual({
      image: IMG(41),
      releaseVersion: 41,
      source: "release v41",
    });
    expect(() => resolveFlyTarget({ kind: "release", version: 7 }, machines, versions)).toThrow(
      /release v7 is not in the machines' version history \(known: v41, v42, v43\)/,
    );
  });

  it("leaves machines already on the target alone", async () => {
    const { emu, run } = await setup(threeMachines({ m3: { image: IMG(42), releaseVersion: 42 } }));
    const { plan, result } = await run("v42");
    expect(plan.steps.map((s) => s.machineId)).toEqual(["m1", "m2"]);
    expect(plan.unchanged.map((s) => s.machineId)).toEqual(["m3"]);
    expect(plan.warnings[0]).toMatch(/2 different images/);
    expect(result.outcome).toBe("success");
    expect(emu.mutations().some((r) => r.path.includes("/m3"))).toBe(false);
  });
});
