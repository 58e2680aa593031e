/**
 * Keeps the client and the emulator on Fly's published Machines API description: every path the
 * client calls is a documented operation, every field it sends is a documented request field,
 * and every field the emulator answers with is a documented response field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { manualClock } from "../../actions/shared/clock.ts";
import { createFlyClient } from "../../actions/rollback/fly.ts";
import { executeFlyPlan } from "../../actions/rollback/execute.ts";
import { parseFlyTarget, planFlyRollback, resolveFlyTarget } from "../../actions/rollback/plan.ts";
import * as doc from "../../emulators/machines/documented.ts";
import { startMachinesEmulator, type MachinesEmulator } from "../../emulators/machines/server.ts";
import { APP, threeMachines } from "./fixtures.ts";

let emu: MachinesEmulator;
beforeAll(async () => {
  emu = await startMachinesEmulator({ app: APP, machines: threeMachines() });
  const clock = manualClock("2026-11-22T16:00:00Z");
  const fly = createFlyClient({ apiUrl: emu.url, app: APP, token: emu.token, clock });
  const machines = await fly.listMachines();
  const versions = await Promise.all(machines.map((m) => fly.listVersions(m.id)));
  const plan = planFlyRollback(APP, machines, resolveFlyTarget(parseFlyTarget(undefined), machines, versions));
  await executeFlyPlan(plan, { fly, clock, log: () => {}, description: "contract" });
});
afterAll(() => emu.close());

const keys = (o: unknown) => Object.keys(o as object);
const templateOf = (path: string) =>
  path
    .replace(/^\/v1/, "")
    .replace(/^\/apps\/[^/]+/, "/apps/{app_name}")
    .replace(/\/machines\/[^/]+/, "/machines/{machine_id}");

async function get(path: string): Promise<unknown> {
  const res = await request(emu.url + path, { headers: { authorization: `Bearer ${emu.token}` } });
  return res.body.json();
}

describe("client requests follow the published Machines API", () => {
  it("calls only documented operations", () => {
    const documented = new Set(doc.OPERATIONS.map((o) => `${o.method} ${o.path}`));
    const called = new Set(emu.requests.map((r) => `${r.method} ${templateOf(r.path)}`));
    expect([...called].filter((c) => !documented.has(c))).toEqual([]);
    expect(called.size).toBeGreaterThanOrEqual(7);
  });

  it("sends only documented request fields, query parameters and the lease nonce header", () => {
    const updates = emu.requests.filter((r) => r.method === "POST" && /\/machines\/[^/]+$/.test(r.path));
    expect(updates.length).toBe(3);
    for (const u of updates) {
      expect(keys(u.body).filter((k) => !(doc.UPDATE_MACHINE_REQUEST_FIELDS as readonly string[]).includes(k))).toEqual(
        [],
      );
      const config = (u.body as { config: object }).config;
      expect(keys(config).filter((k) => !(doc.MACHINE_CONFIG_FIELDS as readonly string[]).includes(k))).toEqual([]);
      expect(u.headers[doc.LEASE_NONCE_HEADER]).toBeTruthy();
    }
    for (const l of emu.requests.filter((r) => r.method === "POST" && r.path.endsWith("/lease"))) {
      expect(keys(l.body).filter((k) => !(doc.CREATE_LEASE_REQUEST_FIELDS as readonly string[]).includes(k))).toEqual(
        [],
      );
    }
    const waits = emu.requests.filter((r) => r.path.endsWith("/wait"));
    expect(waits.length).toBe(3);
    for (const w of waits) {
      expect(keys(w.query).filter((k) => !(doc.WAIT_QUERY as readonly string[]).includes(k))).toEqual([]);
      expect(doc.WAIT_STATES).toContain(w.query.state);
      expect(Number(w.query.timeout)).toBeLessThanOrEqual(60);
    }
  });
});

describe("emulator answers use the documented schemas", () => {
  it("Machine, CheckStatus, ImageRef", async () => {
    const list = (await get(`/v1/apps/${APP}/machines`)) as Array<Record<string, unknown>>;
    for (const m of list) {
      expect(keys(m).filter((k) => !(doc.MACHINE_FIELDS as readonly string[]).includes(k))).toEqual([]);
      expect(keys(m.config).filter((k) => !(doc.MACHINE_CONFIG_FIELDS as readonly string[]).includes(k))).toEqual([]);
      expect(keys(m.image_ref).sort()).toEqual([...doc.IMAGE_REF_FIELDS].sort());
      for (const c of m.checks as object[]) expect(keys(c).sort()).toEqual([...doc.CHECK_STATUS_FIELDS].sort());
    }
  });

  it("MachineVersion and Lease", async () => {
    const versions = (await get(`/v1/apps/${APP}/machines/m1/versions`)) as object[];
    for (const v of versions) expect(keys(v).sort()).toEqual([...doc.MACHINE_VERSION_FIELDS].sort());
    const res = await request(`${emu.url}/v1/apps/${APP}/machines/m2/lease`, {
      method: "POST",
      headers: { authorization: `Bearer ${emu.token}`, "content-type": "application/json" },
      body: JSON.stringify({ ttl: 30, description: "contract" }),
    });
    const lease = (await res.body.json()) as { status: string; data: object };
    expect(lease.status).toBe("success");
    expect(keys(lease.data).sort()).toEqual([...doc.LEASE_FIELDS].sort());
  });

  it("errors are ErrorResponse objects", async () => {
    const missing = (await get(`/v1/apps/${APP}/machines/nope`)) as object;
    expect(keys(missing).filter((k) => !(doc.ERROR_RESPONSE_FIELDS as readonly string[]).includes(k))).toEqual([]);
  });
});
