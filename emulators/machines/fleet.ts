/**
 * The state of an emulated Fly app: machines with a full config, versions, leases and health
 * checks, and the transitions Fly's docs describe (an update replaces the machine, which then
 * goes `replacing → starting → started`, after which its checks go from critical to passing).
 * Time inside the emulator moves by observation (each GET or wait of a machine is one step), so
 * tests are deterministic and never sleep.
 */
import { RELEASE_METADATA } from "./documented.ts";

export interface MachineSpec {
  id: string;
  name?: string;
  region?: string;
  image: string;
  releaseVersion?: number;
  /** Older deployments of this machine, oldest first (become its `versions`). */
  history?: Array<{ image: string; releaseVersion: number }>;
  checkNames?: string[];
  /** After an update, the machine never reaches `started` (a bad image, a crash loop). */
  neverStarts?: boolean;
  /** Observations after `started` before the checks pass (default 1). */
  checksPassAfter?: number;
  checksNeverPass?: boolean;
  /** The health of the machine's host (`host_status`); default "ok". */
  hostStatus?: "ok" | "unknown" | "unreachable";
  /** Someone else already holds a lease on it. */
  leasedBy?: { owner: string; description?: string; expiresInSeconds?: number };
}

export interface Lease {
  nonce: string;
  owner: string;
  description: string;
  expires_at: number;
}

export interface EmulatedMachine {
  spec: MachineSpec;
  id: string;
  name: string;
  region: string;
  state: string;
  instance_id: string;
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  versions: Array<{ version: string; user_config: Record<string, unknown> }>;
  checks: Array<{ name: string; status: string; output: string; updated_at: string }>;
  lease?: Lease;
  /** Observations left before the next state transition. */
  stepsToStart: number;
  stepsToHealthy: number;
}

const EPOCH = Date.parse("2026-11-22T12:00:00Z");
let ulidCounter = 0;

/** Lexicographically time-ordered ids like Fly's ULID instance ids. */
export function nextUlid(): string {
  const n = ++ulidCounter;
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let time = EPOCH + n * 1000;
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = alphabet[time % 32] + head;
    time = Math.floor(time / 32);
  }
  return head + String(n).padStart(16, "0");
}

export function baseConfig(image: string, releaseVersion: number, checkNames: string[]): Record<string, unknown> {
  return {
    image,
    env: { PRIMARY_REGION: "iad", NODE_ENV: "production" },
    guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 },
    metadata: {
      [RELEASE_METADATA.version]: String(releaseVersion),
      [RELEASE_METADATA.id]: `rel_${releaseVersion}`,
      [RELEASE_METADATA.group]: "app",
      fly_platform_version: "v2",
    },
    restart: { policy: "on-failure", max_retries: 10 },
    services: [
      {
        protocol: "tcp",
        internal_port: 8080,
        autostart: true,
        autostop: false,
        ports: [
          { port: 80, handlers: ["http"], force_https: true },
          { port: 443, handlers: ["tls", "http"] },
        ],
        checks: checkNames.map((_name) => ({
          type: "http",
          port: 8080,
          method: "GET",
          path: "/health",
          interval: "15s",
          timeout: "5s",
          grace_period: "10s",
          protocol: "http",
        })),
      },
    ],
  };
}

export function imageRef(image: string): Record<string, unknown> {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : "sha256:" + "0".repeat(64);
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.indexOf("/");
  const registry = slash >= 0 && /[.:]/.test(name.slice(0, slash)) ? name.slice(0, slash) : "docker.io";
  const rest = registry === "docker.io" ? name : name.slice(slash + 1);
  const colon = rest.lastIndexOf(":");
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : "latest";
  return { registry, repository, tag, digest, labels: {} };
}

export function createMachine(spec: MachineSpec, nowIso: string): EmulatedMachine {
  const checkNames = spec.checkNames ?? ["servicecheck-00-http-8080"];
  const release = spec.releaseVersion ?? (spec.history?.length ?? 0) + 1;
  const versions = (spec.history ?? []).map((h) => ({
    version: nextUlid(),
    user_config: baseConfig(h.image, h.releaseVersion, checkNames),
  }));
  const config = baseConfig(spec.image, release, checkNames);
  const instance = nextUlid();
  versions.push({ version: instance, user_config: structuredClone(config) });
  const machine: EmulatedMachine = {
    spec,
    id: spec.id,
    name: spec.name ?? `${spec.id}-name`,
    region: spec.region ?? "iad",
    state: "started",
    instance_id: instance,
    config,
    created_at: nowIso,
    updated_at: nowIso,
    versions,
    checks: checkNames.map((name) => ({ name, status: "passing", output: "OK", updated_at: nowIso })),
    stepsToStart: 0,
    stepsToHealthy: 0,
  };
  if (spec.leasedBy) {
    machine.lease = {
      nonce: `foreign-${spec.id}`,
      owner: spec.leasedBy.owner,
      description: spec.leasedBy.description ?? "",
      expires_at: Math.floor(Date.parse(nowIso) / 1000) + (spec.leasedBy.expiresInSeconds ?? 3600),
    };
  }
  return machine;
}

/** Applies an update: new instance, new version, state replacing, checks critical. */
export function applyUpdate(m: EmulatedMachine, config: Record<string, unknown>, nowIso: string): void {
  m.config = structuredClone(config);
  m.instance_id = nextUlid();
  m.versions.push({ version: m.instance_id, user_config: structuredClone(config) });
  m.state = "replacing";
  m.updated_at = nowIso;
  m.stepsToStart = 1;
  m.stepsToHealthy = m.spec.checksPassAfter ?? 1;
  for (const c of m.checks) {
    c.status = "critical";
    c.output = "connection refused";
    c.updated_at = nowIso;
  }
}

/** One observation of the machine: moves it one step along its transitions. */
export function observe(m: EmulatedMachine, nowIso: string): void {
  if (m.state === "replacing") {
    m.state = "starting";
    return;
  }
  if (m.state === "starting") {
    if (m.spec.neverStarts) return;
    if (m.stepsToStart-- <= 0) m.state = "started";
    return;
  }
  if (m.state === "started" && m.checks.some((c) => c.status !== "passing")) {
    if (m.spec.checksNeverPass) return;
    if (m.stepsToHealthy-- <= 0) {
      for (const c of m.checks) {
        c.status = "passing";
        c.output = "OK";
        c.updated_at = nowIso;
      }
    }
  }
}

/** What GET machine returns: only documented Machine fields. */
export function machineView(m: EmulatedMachine): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    state: m.state,
    region: m.region,
    instance_id: m.instance_id,
    private_ip: "fdaa:0:1:a7b:1:2:3:4",
    config: structuredClone(m.config),
    image_ref: imageRef(String(m.config.image)),
    created_at: m.created_at,
    updated_at: m.updated_at,
    host_status: m.spec.hostStatus ?? "ok",
    events: [],
    checks: m.checks.map((c) => ({ ...c })),
  };
}
