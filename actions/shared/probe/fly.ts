/**
 * `fly` probe: lists an app's machines through the Machines API
 * (GET /v1/apps/{app}/machines, https://docs.machines.dev) and reads their states and health
 * checks. The app is down when no started machine passes its checks; it is degraded (ok, with a
 * warning) when some machines fail. Stopped and suspended machines are not failures: Fly's
 * auto-stop parks idle machines and wakes them on the next request.
 */
import type { FlyProbeConfig } from "../config/schema/index.ts";
import { authFailure, openSession, parseJson } from "./api/request.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";

/** The Machine and CheckStatus fields this probe reads (checked against Fly's OpenAPI in the tests). */
export const MACHINE_FIELDS_READ = ["id", "name", "state", "region", "checks"] as const;
export const CHECK_FIELDS_READ = ["name", "status", "output"] as const;

interface Machine {
  id: string;
  name?: string;
  state: string;
  region?: string;
  checks: Array<{ name: string; status: string; output?: string }>;
}

export const flyKind: ProbeKind<FlyProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const session = openSession(opts);
  try {
    const url = `${probe.apiUrl.replace(/\/+$/, "")}/v1/apps/${encodeURIComponent(probe.app)}/machines`;
    const out = await session.request({ url, headers: { accept: "application/json", authorization: `Bearer ${probe.token}` } });
    const sample = (rest: Omit<Sample, "at" | "timings">, firstByte?: number): Sample => ({
      at,
      timings: { ...(firstByte !== undefined && { firstByte }), total: session.elapsed() },
      ...rest,
    });
    if (!out.ok) return sample({ ok: false, failure: out.failure });
    const res = out.response;
    const base = { statusCode: res.status };
    const auth = authFailure(res, `Fly Machines API (app ${probe.app})`);
    if (auth) return sample({ ...base, ok: false, failure: auth }, res.firstByteMs);
    if (res.status === 404) {
      return sample({ ...base, ok: false, failure: { kind: "protocol", detail: `the Machines API does not know app "${probe.app}" (404); check probe.app` } }, res.firstByteMs);
    }
    if (res.status < 200 || res.status > 299) return sample({ ...base, ok: false, failure: { kind: "status", expected: "2xx", found: res.status } }, res.firstByteMs);
    const json = parseJson(res.text, "Machines API answer", opts.redact);
    if ("failure" in json) return sample({ ...base, ok: false, failure: json.failure }, res.firstByteMs);
    const machines = readMachines(json.value);
    if ("failure" in machines) return sample({ ...base, ok: false, failure: machines.failure }, res.firstByteMs);
    // Check outputs are quoted (cut to 80 characters) in the reason: scrubbed before the cut.
    const redact = opts.redact ?? ((t: string) => t);
    const scrubbed = machines.list.map((m) => ({ ...m, checks: m.checks.map((c) => (c.output === undefined ? c : { ...c, output: redact(c.output) })) }));
    return sample({ ...base, ...rateMachines(scrubbed) }, res.firstByteMs);
  } finally {
    await session.close();
  }
};

export type FlyRating = { ok: true; value: number; warning?: string } | { ok: false; value: number; failure: Failure };

/** Pure: the machines' states and checks → up, degraded (warning) or down (failure). */
export function rateMachines(all: Machine[]): FlyRating {
  const machines = all.filter((m) => m.state !== "destroyed" && m.state !== "destroying");
  const started = machines.filter((m) => m.state === "started");
  const critical = (m: Machine) => m.checks.filter((c) => c.status === "critical");
  const healthy = started.filter((m) => critical(m).length === 0);
  const crashed = machines.filter((m) => m.state === "failed");
  const failing = [...started.filter((m) => critical(m).length > 0), ...crashed];
  const warned = healthy.filter((m) => m.checks.some((c) => c.status === "warning"));
  // Stopped and suspended machines count neither way; transitional states (starting, replacing) neither.

  if (healthy.length === 0) {
    const found =
      machines.length === 0
        ? "the app has no machines"
        : started.length === 0
          ? `no started machine (${countStates(machines)})`
          : `none of ${started.length} started machines passes: ${failing.map(describe).join("; ")}`;
    return { ok: false, value: 0, failure: { kind: "assertion", assertion: "a started machine passes its checks", expected: "at least 1", found } };
  }
  const notes = [
    ...(failing.length ? [`${failing.length} of ${started.length + crashed.length} machines failing: ${failing.map(describe).join("; ")}`] : []),
    ...warned.map((m) => `${label(m)} check warning: ${m.checks.filter((c) => c.status === "warning").map(checkText).join(", ")}`),
  ];
  return { ok: true, value: healthy.length, ...(notes.length && { warning: notes.join("; ") }) };
}

function describe(m: Machine): string {
  if (m.state === "failed") return `${label(m)} state failed`;
  return `${label(m)} critical: ${m.checks.filter((c) => c.status === "critical").map(checkText).join(", ")}`;
}

function label(m: Machine): string {
  return `${m.id}${m.region ? ` (${m.region})` : ""}`;
}

function checkText(c: Machine["checks"][number]): string {
  const output = c.output?.trim().replace(/\s+/g, " ");
  return output ? `${c.name} (${output.length > 80 ? `${output.slice(0, 80)}…` : output})` : c.name;
}

function countStates(machines: Machine[]): string {
  const counts = new Map<string, number>();
  for (const m of machines) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
}

/** Validates the list answer down to what the rating needs, naming the first bad place. */
export function readMachines(body: unknown): { list: Machine[] } | { failure: Failure } {
  const bad = (detail: string) => ({ failure: { kind: "protocol" as const, detail: `Machines API answer: ${detail}` } });
  if (!Array.isArray(body)) return bad("expected a list of machines");
  const list: Machine[] = [];
  for (const [i, m] of body.entries()) {
    if (!m || typeof m !== "object") return bad(`[${i}] is not a machine object`);
    const { id, name, state, region, checks } = m as Record<string, unknown>;
    if (typeof id !== "string" || typeof state !== "string") return bad(`[${i}] has no string id and state`);
    if (checks !== undefined && checks !== null && !Array.isArray(checks)) return bad(`[${i}].checks is not a list`);
    const parsed: Machine["checks"] = [];
    for (const [j, c] of ((checks as unknown[] | null | undefined) ?? []).entries()) {
      const { name: cn, status, output } = (c ?? {}) as Record<string, unknown>;
      if (typeof cn !== "string" || typeof status !== "string") return bad(`[${i}].checks[${j}] has no string name and status`);
      parsed.push({ name: cn, status, ...(typeof output === "string" && { output }) });
    }
    list.push({ id, state, checks: parsed, ...(typeof name === "string" && { name }), ...(typeof region === "string" && { region }) });
  }
  return { list };
}
