/**
 * A local Fly Machines API (https://api.machines.dev/v1) for tests: 127.0.0.1, port 0, the
 * endpoints the rollback uses (see documented.ts), bearer auth, leases with nonces, 429
 * injection, and a log of every request so a test can assert that nothing was changed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { BASE_PATH, LEASE_NONCE_HEADER, UPDATE_MACHINE_REQUEST_FIELDS, WAIT_STATES } from "./documented.ts";
import { applyUpdate, createMachine, machineView, observe, type EmulatedMachine, type MachineSpec } from "./fleet.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface MachinesEmulatorOptions {
  app: string;
  machines: MachineSpec[];
  token?: string;
  now?: () => Date;
}

export interface MachinesEmulator {
  /** Base URL without `/v1`, as `apiUrl` in ops.config.yml. */
  url: string;
  token: string;
  requests: RecordedRequest[];
  /** Requests that could change something (anything but GET). */
  mutations(): RecordedRequest[];
  machine(id: string): EmulatedMachine;
  /** The next `n` requests are refused with 429 (and `Retry-After` when given). */
  rateLimitNext(n: number, retryAfter?: string): void;
  /** The next `times` requests with this method whose path ends with `pathSuffix` fail with `status`. */
  failNext(method: string, pathSuffix: string, status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startMachinesEmulator(opts: MachinesEmulatorOptions): Promise<MachinesEmulator> {
  const token = opts.token ?? "fly-test-token";
  const now = opts.now ?? (() => new Date());
  const machines = new Map<string, EmulatedMachine>();
  for (const spec of opts.machines) machines.set(spec.id, createMachine(spec, now().toISOString()));
  const requests: RecordedRequest[] = [];
  let limited: { left: number; retryAfter?: string } = { left: 0 };
  const faults: Array<{ method: string; suffix: string; status: number; left: number }> = [];

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => handle(req, res, raw))
      .catch((error: unknown) => send(res, 500, { error: `emulator bug: ${String(error)}` }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { error: "invalid JSON body" });
      }
    }
    const method = req.method ?? "GET";
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    });

    if (limited.left > 0) {
      limited.left--;
      const headers: Record<string, string> = limited.retryAfter ? { "retry-after": limited.retryAfter } : {};
      return send(res, 429, { error: "rate limit exceeded" }, headers);
    }
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: "unauthorized" });
    const fault = faults.find((f) => f.left > 0 && f.method === method && url.pathname.endsWith(f.suffix));
    if (fault) {
      fault.left--;
      return send(res, fault.status, { error: `injected ${fault.status}` });
    }

    const m = new RegExp(`^${BASE_PATH}/apps/([^/]+)/machines(?:/([^/]+)(?:/(lease|wait|versions))?)?$`).exec(
      url.pathname,
    );
    if (!m) return send(res, 404, { error: "not found" });
    const [, app, id, sub] = m;
    if (app !== opts.app) return send(res, 404, { error: `app ${app} not found` });
    const at = now();
    if (!id) {
      if (method !== "GET") return send(res, 405, { error: "method not allowed" });
      return send(
        res,
        200,
        [...machines.values()].map((x) => (observe(x, at.toISOString()), machineView(x))),
      );
    }
    const machine = machines.get(id);
    if (!machine) return send(res, 404, { error: "machine not found" });
    const nonce = header(req, LEASE_NONCE_HEADER);
    const leaseLive = machine.lease && machine.lease.expires_at * 1000 > at.getTime() ? machine.lease : undefined;

    if (!sub && method === "GET") {
      observe(machine, at.toISOString());
      return send(res, 200, machineView(machine));
    }
    if (!sub && method === "POST") {
      if (leaseLive && leaseLive.nonce !== nonce) {
        return send(res, 409, {
          error: `machine ${id} is leased by ${leaseLive.owner}; pass its nonce in ${LEASE_NONCE_HEADER}`,
        });
      }
      const problem = checkUpdateBody(body);
      if (problem) return send(res, 400, { error: problem });
      applyUpdate(machine, (body as { config: Record<string, unknown> }).config, at.toISOString());
      return send(res, 200, machineView(machine));
    }
    if (sub === "versions" && method === "GET") {
      return send(
        res,
        200,
        [...machine.versions]
          .reverse()
          .map((v) => ({ version: v.version, user_config: structuredClone(v.user_config) })),
      );
    }
    if (sub === "lease") {
      if (method === "GET") {
        if (!leaseLive) return send(res, 404, { error: "lease not found" });
        return send(res, 200, { status: "success", data: leaseLive });
      }
      if (method === "POST") {
        if (leaseLive && leaseLive.nonce !== nonce) {
          return send(res, 409, {
            error: `machine ${id} already has a lease held by ${leaseLive.owner}`,
            status: "conflict",
          });
        }
        const ttl = Number(url.searchParams.get("ttl") ?? (body as { ttl?: number } | undefined)?.ttl ?? 30);
        const description = String((body as { description?: string } | undefined)?.description ?? "");
        machine.lease = {
          nonce: randomUUID(),
          owner: "rollback@example.com",
          description,
          expires_at: Math.floor(at.getTime() / 1000) + ttl,
        };
        return send(res, 200, { status: "success", data: machine.lease });
      }
      if (method === "DELETE") {
        if (!leaseLive) return send(res, 200, {});
        if (leaseLive.nonce !== nonce) return send(res, 409, { error: "lease nonce does not match" });
        machine.lease = undefined;
        return send(res, 200, {});
      }
    }
    if (sub === "wait" && method === "GET") {
      const state = url.searchParams.get("state") ?? "started";
      if (!(WAIT_STATES as readonly string[]).includes(state))
        return send(res, 400, { error: `invalid state ${state}` });
      const instance = url.searchParams.get("instance_id");
      if (instance && instance !== machine.instance_id)
        return send(res, 400, { error: `instance ${instance} is not current` });
      // A wait observes the machine until it settles; a machine that never starts times out.
      for (let i = 0; i < 5 && machine.state !== state; i++) observe(machine, at.toISOString());
      if (machine.state === state) return send(res, 200, { ok: true });
      return send(res, 408, { error: `deadline_exceeded: machine did not reach ${state} (still ${machine.state})` });
    }
    return send(res, 405, { error: "method not allowed" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    mutations: () => requests.filter((r) => r.method !== "GET"),
    machine: (id) => {
      const found = machines.get(id);
      if (!found) throw new Error(`emulator has no machine ${id}`);
      return found;
    },
    rateLimitNext: (n, retryAfter) => {
      limited = retryAfter === undefined ? { left: n } : { left: n, retryAfter };
    },
    failNext: (method, pathSuffix, status, times = 1) => {
      faults.push({ method, suffix: pathSuffix, status, left: times });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function checkUpdateBody(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return "body must be an UpdateMachineRequest object";
  const unknown = Object.keys(body).filter((k) => !(UPDATE_MACHINE_REQUEST_FIELDS as readonly string[]).includes(k));
  if (unknown.length) return `unknown UpdateMachineRequest fields: ${unknown.join(", ")}`;
  const config = (body as { config?: unknown }).config;
  if (!config || typeof config !== "object") return "config is required";
  if (typeof (config as { image?: unknown }).image !== "string") return "config.image is required";
  return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
