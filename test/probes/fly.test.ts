import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { FlyProbe } from "../../actions/shared/config/schema/probes.ts";
import { CHECK_FIELDS_READ, flyKind, MACHINE_FIELDS_READ } from "../../actions/shared/probe/fly.ts";
import type { SampleOptions } from "../../actions/shared/probe/kind.ts";
import { describeFailure, INCONCLUSIVE } from "../../actions/shared/probe/result.ts";
import {
  CHECK_STATUS_FIELDS,
  HOST_STATUSES,
  MACHINE_FIELDS,
  MACHINE_STATES,
} from "../../emulators/machines/documented.ts";
import type { MachineSpec } from "../../emulators/machines/fleet.ts";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";

const APP = "hotdash-production";
const opts: SampleOptions = { timeoutMs: 3_000, connectTimeoutMs: 1_000, maxBodyBytes: 1 << 20 };
const deps = { clock: manualClock("2026-11-22T16:00:00Z") };
const emulators: MachinesEmulator[] = [];
afterEach(async () => {
  for (const e of emulators.splice(0)) await e.close();
});

/** Machines whose checks the test sets stay as set (the emulator would otherwise heal them). */
async function fleet(...specs: Array<Partial<MachineSpec> & { id: string }>): Promise<MachinesEmulator> {
  const emu = await startMachinesEmulator({
    app: APP,
    machines: specs.map((s) => ({ image: "registry.fly.io/hotdash:v42", checksNeverPass: true, ...s })),
  });
  emulators.push(emu);
  return emu;
}

function setCheck(emu: MachinesEmulator, id: string, status: string, output = "") {
  for (const c of emu.machine(id).checks) Object.assign(c, { status, output });
}

const probe = (emu: MachinesEmulator, extra: Record<string, unknown> = {}) =>
  FlyProbe.parse({ type: "fly", app: APP, apiUrl: emu.url, token: emu.token, ...extra });

describe("fly probe against the Machines API emulator", () => {
  it("is up when every started machine passes its checks, reading without changing anything", async () => {
    const emu = await fleet({ id: "m1" }, { id: "m2", region: "ord" }, { id: "m3" });
    const sample = await flyKind(probe(emu), opts, deps);
    expect(sample).toEqual({
      at: "2026-11-22T16:00:00.000Z",
      ok: true,
      statusCode: 200,
      value: 3,
      timings: expect.objectContaining({ total: expect.any(Number) }),
    });
    expect(emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/apps/${APP}/machines`]);
    expect(emu.requests[0]!.headers.authorization).toBe(`Bearer ${emu.token}`);
    expect(emu.mutations()).toEqual([]);
  });

  it("is degraded (ok with a warning naming the machine and check) when some machines fail", async () => {
    const emu = await fleet({ id: "m1" }, { id: "m2", region: "ord" }, { id: "m3" });
    setCheck(emu, "m2", "critical", "connection refused");
    const sample = await flyKind(probe(emu), opts, deps);
    expect(sample).toMatchObject({
      ok: true,
      value: 2,
      warning: "1 of 3 machines failing: m2 (ord) critical: servicecheck-00-http-8080 (connection refused)",
    });
  });

  it("is down when no started machine passes its checks", async () => {
    const emu = await fleet({ id: "m1" }, { id: "m2" });
    setCheck(emu, "m1", "critical", "502");
    setCheck(emu, "m2", "critical", "timeout");
    const sample = await flyKind(probe(emu), opts, deps);
    expect(sample).toMatchObject({
      ok: false,
      value: 0,
      failure: { kind: "assertion", assertion: "a started machine passes its checks" },
    });
    expect(describeFailure(sample.failure!)).toBe(
      "assertion a started machine passes its checks failed: expected at least 1, found none of 2 started machines passes: m1 (iad) critical: servicecheck-00-http-8080 (502); m2 (iad) critical: servicecheck-00-http-8080 (timeout)",
    );
  });

  it("does not count stopped machines as failing, but is down when nothing is started", async () => {
    const emu = await fleet({ id: "m1" }, { id: "m2" }, { id: "m3" });
    emu.machine("m3").state = "stopped";
    expect(await flyKind(probe(emu), opts, deps)).toMatchObject({ ok: true, value: 2 });
    expect((await flyKind(probe(emu), opts, deps)).warning).toBeUndefined();

    emu.machine("m1").state = "stopped";
    emu.machine("m2").state = "suspended";
    const sample = await flyKind(probe(emu), opts, deps);
    expect(sample).toMatchObject({
      ok: false,
      failure: { kind: "assertion", found: "no started machine (2 stopped, 1 suspended)" },
    });
  });

  it("warns about a check in warning and a machine in state failed", async () => {
    const emu = await fleet({ id: "m1" }, { id: "m2" }, { id: "m3" });
    setCheck(emu, "m1", "warning", "slow");
    emu.machine("m3").state = "failed";
    const sample = await flyKind(probe(emu), opts, deps);
    expect(sample).toMatchObject({
      ok: true,
      value: 2,
      warning:
        "1 of 3 machines failing: m3 (iad) state failed; m1 (iad) check warning: servicecheck-00-http-8080 (slow)",
    });
  });

  it("reports a refused token as auth (unknown), without the token", async () => {
    const emu = await fleet({ id: "m1" });
    const sample = await flyKind(probe(emu, { token: "rotated-fly-token" }), opts, deps);
    expect(sample).toMatchObject({ ok: false, statusCode: 401, failure: { kind: "auth", status: 401 } });
    expect(JSON.stringify(sample)).not.toContain("rotated-fly-token");
  });

  it("says which app the API does not know", async () => {
    const emu = await fleet({ id: "m1" });
    const sample = await flyKind(probe(emu, { app: "hotdash-typo" }), opts, deps);
    expect(sample.failure).toEqual({
      kind: "protocol",
      detail: 'the Machines API does not know app "hotdash-typo" (404); check probe.app',
    });
  });

  it("a started machine on an unreachable host is not up; launch_failed is failing; an unknown host is a warning", async () => {
    const emu = await fleet({ id: "m1", hostStatus: "unreachable" }, { id: "m2", hostStatus: "unknown" }, { id: "m3" });
    emu.machine("m3").state = "launch_failed";
    const sample = await flyKind(probe(emu), opts, deps);
    expect(sample).toMatchObject({
      ok: true,
      value: 1,
      warning:
        "2 of 3 machines failing: m1 (iad) host unreachable; m3 (iad) state launch_failed; m2 (iad) host status unknown",
    });
    emu.machine("m2").spec.hostStatus = "unreachable";
    const down = await flyKind(probe(emu), opts, deps);
    expect(down.failure).toMatchObject({
      kind: "assertion",
      found:
        "none of 2 started machines passes: m1 (iad) host unreachable; m2 (iad) host unreachable; m3 (iad) state launch_failed",
    });
  });

  it("a 429 is retried after the Retry-After it gives (on the injected clock), then up", async () => {
    const emu = await fleet({ id: "m1" });
    emu.rateLimitNext(1, "1");
    const clock = manualClock("2026-11-22T16:00:00Z");
    const sample = await flyKind(probe(emu), opts, { clock });
    expect(sample).toMatchObject({ ok: true, value: 1, statusCode: 200 });
    expect(emu.requests).toHaveLength(2);
    expect(clock.now().toISOString()).toBe("2026-11-22T16:00:01.000Z");
  });

  it("a 429 that persists is throttled (unknown, with the hint), never down", async () => {
    const emu = await fleet({ id: "m1" });
    emu.rateLimitNext(5, "1");
    const sample = await flyKind(probe(emu), opts, { clock: manualClock("2026-11-22T16:00:00Z") });
    expect(sample).toMatchObject({
      ok: false,
      statusCode: 429,
      failure: { kind: "throttled", status: 429, retryAfterMs: 1000 },
    });
    expect(describeFailure(sample.failure!)).toBe(
      "throttled (429): the Machines API is rate limiting this token after 3 tries (it asks to retry after 1 s)",
    );
    expect(emu.requests).toHaveLength(3);
    expect(INCONCLUSIVE.has("throttled")).toBe(true);
    // A hint longer than the sample can wait is not waited for.
    const emu2 = await fleet({ id: "m1" });
    emu2.rateLimitNext(1, "60");
    expect((await flyKind(probe(emu2), opts, deps)).failure).toMatchObject({ kind: "throttled", retryAfterMs: 60_000 });
    expect(emu2.requests).toHaveLength(1);
  });

  it("reads only fields Fly's OpenAPI documents", () => {
    for (const f of MACHINE_FIELDS_READ) expect(MACHINE_FIELDS).toContain(f);
    expect(HOST_STATUSES).toEqual(["ok", "unknown", "unreachable"]);
    expect(MACHINE_STATES).toContain("launch_failed");
    for (const f of CHECK_FIELDS_READ) expect(CHECK_STATUS_FIELDS).toContain(f);
  });
});
