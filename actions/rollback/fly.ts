/**
 * Fly Machines API client for the rollback: list and read machines and their versions, take and
 * release leases, update a machine with its full config and a new image, and wait for it to
 * start and for its checks to pass. Answers are parsed with zod once, here; a machine's config
 * is kept whole (unknown fields included) because an update replaces the config entirely.
 */
import { z } from "zod";
import type { Clock } from "../shared/clock.ts";
import { createFlyHttp, FlyApiError, type FlyHttpOptions } from "./fly-http.ts";

export { FlyApiError } from "./fly-http.ts";

export const LEASE_NONCE_HEADER = "fly-machine-lease-nonce";
export const RELEASE_VERSION_KEY = "fly_release_version";

const MachineConfig = z.looseObject({
  image: z.string().min(1),
  metadata: z.record(z.string(), z.string()).optional(),
});

const CheckStatus = z.looseObject({
  name: z.string(),
  status: z.string(),
  output: z.string().optional(),
});

export const Machine = z.looseObject({
  id: z.string().min(1),
  name: z.string().default(""),
  state: z.string(),
  region: z.string().default(""),
  instance_id: z.string().default(""),
  config: MachineConfig,
  checks: z
    .array(CheckStatus)
    .nullish()
    .transform((c) => c ?? []),
});

const MachineVersion = z.looseObject({ version: z.string(), user_config: MachineConfig });

const LeaseData = z.looseObject({
  nonce: z.string().min(1),
  owner: z.string().optional(),
  description: z.string().optional(),
  expires_at: z.number().optional(),
});
/** The live API wraps the lease in `{status, data}`; the OpenAPI documents it bare. Accept both. */
const LeaseAnswer = z.union([z.looseObject({ data: LeaseData }).transform((x) => x.data), LeaseData]);

export type FlyMachine = z.output<typeof Machine>;
export type FlyMachineVersion = z.output<typeof MachineVersion>;
export type FlyLease = z.output<typeof LeaseData>;

export interface FlyClientOptions extends FlyHttpOptions {
  app: string;
}

export interface FlyClient {
  app: string;
  listMachines(): Promise<FlyMachine[]>;
  getMachine(id: string): Promise<FlyMachine>;
  listVersions(id: string): Promise<FlyMachineVersion[]>;
  /** The lease someone holds on the machine, if any. */
  findLease(id: string): Promise<FlyLease | undefined>;
  acquireLease(id: string, opts: { ttlSeconds: number; description: string }): Promise<FlyLease>;
  releaseLease(id: string, nonce: string): Promise<void>;
  /** Replaces the machine's config (send it whole) under a lease. */
  updateMachine(id: string, config: Record<string, unknown>, nonce: string): Promise<FlyMachine>;
  /** Waits (Machines_wait, at most 60 s a call) until `state` or the timeout; false on timeout. */
  waitForState(
    id: string,
    opts: { state: "started" | "stopped"; instanceId?: string; timeoutMs: number },
  ): Promise<boolean>;
  /** Polls the machine until every check passes or the timeout. */
  waitForChecks(
    id: string,
    opts: { timeoutMs: number; pollMs?: number },
  ): Promise<{ ok: boolean; machine: FlyMachine }>;
}

export function createFlyClient(opts: FlyClientOptions): FlyClient {
  const http = createFlyHttp(opts);
  const clock: Clock = opts.clock;
  const app = encodeURIComponent(opts.app);
  const m = (id: string, sub = "") => `/apps/${app}/machines/${encodeURIComponent(id)}${sub}`;

  const parse = <T>(schema: z.ZodType<T>, body: unknown, what: string): T => {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    throw new Error(
      `The Machines API answered ${what} in an unexpected shape (${issue?.path.join(".") || "root"}: ${issue?.message}); is apiUrl pointing at the Machines API?`,
      { cause: r.error },
    );
  };

  const client: FlyClient = {
    app: opts.app,
    async listMachines() {
      const { body } = await http("GET", `/apps/${app}/machines`);
      return parse(z.array(Machine), body, `GET /apps/${opts.app}/machines`);
    },
    async getMachine(id) {
      const { body } = await http("GET", m(id));
      return parse(Machine, body, `GET machine ${id}`);
    },
    async listVersions(id) {
      const { body } = await http("GET", m(id, "/versions"));
      return parse(z.array(MachineVersion), body, `GET machine ${id} versions`);
    },
    async findLease(id) {
      const res = await http("GET", m(id, "/lease"), { accept: [404] });
      if (res.status === 404) return undefined;
      return parse(LeaseAnswer, res.body, `GET machine ${id} lease`);
    },
    async acquireLease(id, { ttlSeconds, description }) {
      const { body } = await http("POST", m(id, "/lease"), { body: { ttl: ttlSeconds, description } });
      return parse(LeaseAnswer, body, `POST machine ${id} lease`);
    },
    async releaseLease(id, nonce) {
      await http("DELETE", m(id, "/lease"), { headers: { [LEASE_NONCE_HEADER]: nonce } });
    },
    async updateMachine(id, config, nonce) {
      const { body } = await http("POST", m(id), { body: { config }, headers: { [LEASE_NONCE_HEADER]: nonce } });
      return parse(Machine, body, `POST machine ${id}`);
    },
    async waitForState(id, { state, instanceId, timeoutMs }) {
      // Bounded by both the clock and a count of calls, so a clock that does not move (tests,
      // replays) cannot make this spin forever.
      const deadline = clock.now().getTime() + timeoutMs;
      const calls = Math.max(1, Math.ceil(timeoutMs / 60_000));
      for (let i = 0; i < calls; i++) {
        const left = deadline - clock.now().getTime();
        if (left <= 0 && i > 0) break;
        const seconds = Math.max(1, Math.min(60, Math.ceil(left / 1000)));
        const q = new URLSearchParams({ state, timeout: String(seconds) });
        if (instanceId) q.set("instance_id", instanceId);
        const res = await http("GET", `${m(id, "/wait")}?${q}`, { timeoutMs: seconds * 1000 + 15_000, accept: [408] });
        if (res.status !== 408) return true;
      }
      return false;
    },
    async waitForChecks(id, { timeoutMs, pollMs = 5_000 }) {
      const deadline = clock.now().getTime() + timeoutMs;
      const polls = Math.max(1, Math.ceil(timeoutMs / pollMs) + 1);
      let machine = await client.getMachine(id);
      for (let i = 1; i < polls && !checksPass(machine) && clock.now().getTime() < deadline; i++) {
        await clock.sleep(pollMs);
        machine = await client.getMachine(id);
      }
      return { ok: checksPass(machine), machine };
    },
  };
  return client;
}

/** A machine without checks has nothing to wait for. */
export function checksPass(machine: FlyMachine): boolean {
  return machine.checks.every((c) => c.status === "passing");
}

export function releaseVersionOf(config: { metadata?: Record<string, string> | undefined }): number | undefined {
  const v = config.metadata?.[RELEASE_VERSION_KEY];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function isLeaseConflict(error: unknown): error is FlyApiError {
  return error instanceof FlyApiError && error.status === 409;
}
