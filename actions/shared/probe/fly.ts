/**
 * `fly` probe: lists an app's machines through the Machines API
 * (GET /v1/apps/{app}/machines, https://docs.machines.dev) and reads their states and health
 * checks. The app is down when no started machine passes its checks; it is degraded (ok, with a
 * warning) when some machines fail. Stopped and suspended machines are not failures: Fly's
 * auto-stop parks idle machines and wakes them on the next request. A started machine whose host
 * is unreachable (`host_status`) is not up, whatever its last checks said; `failed` and
 * `launch_failed` machines are failing. A 429 is retried after the Retry-After the API gives
 * (while the sample's time allows), then reported as `throttled` (unknown), never down.
 */
import type { FlyProbeConfig } from "../config/schema/index.ts";
import { authFailure, openSession, parseJson } from "./api/request.ts";
import type { ProbeKind } from "./kind.ts";
import type { Failure, Sample } from "./result.ts";
import { retryAfterMs } from "./throttle.ts";

/** The Machine and CheckStatus fields this probe reads (checked against Fly's OpenAPI in the tests). */
export const MACHINE_FIELDS_READ = ["id", "name", "state", "region", "checks", "host_status"] as const;
/** Retries of a throttled list call within one sample. */
const MAX_THROTTLE_RETRIES = 2;
/** Wait when a 429 gives no Retry-After. */
const DEFAULT_RETRY_MS = 1_000;
/** States after which a machine did not (re)start: counted as failing. */
const CRASHED = new Set(["failed", "launch_failed"]);
export const CHECK_FIELDS_READ = ["name", "status", "output"] as const;

interface Machine {
  id: string;
  name?: string;
  state: string;
  region?: string;
  checks: Array<{ name: string; status: string; output?: string }>;
  /** "ok" | "unknown" | "unreachable"; absent from older API answers. */
  hostStatus?: string;
}

export const flyKind: ProbeKind<FlyProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const session = openSession(opts);
  try {
    const url = `${probe.apiUrl.replace(/\/+$/, "")}/v1/apps/${encodeURIComponent(probe.app)}/machines`;
    const sample = (rest: Omit<Sample, "at" | "timings">, firstByte?: number): Sample => ({
      at,
      timings: { ...(firstByte !== undefined && { firstByte }), total: session.elapsed() },
      ...rest,
    });
    const get = () =>
      session.request({ url, headers: { accept: "application/json", authorization: `Bearer ${probe.token}` } });
    let out = await get();
    for (let retry = 0; out.ok && out.response.status === 429; retry++) {
      const hinted = retryAfterMs(out.response.headers, deps.clock.now());
      const wait = hinted ?? DEFAULT_RETRY_MS;
      // Wait only when the answer can still arrive within the sample's time.
      if (retry >= MAX_THROTTLE_RETRIES || session.elapsed() + wait >= opts.timeoutMs - opts.connectTimeoutMs / 2) {
        const hint =
          hinted === undefined ? "no Retry-After given" : `it asks to retry after ${Math.round(hinted / 100) / 10} s`;
        const failure: Failure = {
          kind: "throttled",
          status: 429,
          ...(hinted !== undefined && { retryAfterMs: hinted }),
          detail: `the Machines API is rate limiting this token after ${retry + 1} tries (${hint})`,
        };
        return sample({ ok: false, statusCode: 429, failure }, out.response.firstByteMs);
      }
      await deps.clock.sleep(wait, opts.signal);
      out = await get();
    }
    if (!out.ok) return sample({ ok: false, failure: out.failure });
    const res = out.response;
    const base = { statusCode: res.status };
    const auth = authFailure(res, `Fly Machines API (app ${probe.app})`);
    if (auth) return sample({ ...base, ok: false, failure: auth }, res.firstByteMs);
    if (res.status === 404) {
      return sample(
        {
          ...base,
          ok: false,
          failure: {
            kind: "protocol",
            detail: `the Machines API does not know app "${probe.app}" (404); check probe.app`,
          },
        },
        res.firstByteMs,
      );
    }
    if (res.status < 200 || res.status > 299)
      return sample(
        { ...base, ok: false, failure: { kind: "status", expected: "2xx", found: res.status } },
        res.firstByteMs,
      );
    const json = parseJson(res.text, "Machines API answer", opts.redact);
    if ("failure" in json) return sample({ ...base, ok: false, failure: json.failure }, res.firstByteMs);
    const machines = readMachines(json.value);
    if ("failure" in machines) return sample({ ...base, ok: false, failure: machines.failure }, res.firstByteMs);
    // Check outputs are quoted (cut to 80 characters) in the reason: scrubbed before the cut.
    const redact = opts.redact ?? ((t: string) => t);
    const scrubbed = machines.list.map((m) => ({
      ...m,
      checks: m.checks.map((c) => (c.output === undefined ? c : { ...c, output: redact(c.output) })),
    }));
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
  const lost = (m: Machine) => m.hostStatus === "unreachable";
  const healthy = started.filter((m) => critical(m).length === 0 && !lost(m));
  const crashed = machines.filter((m) => CRASHED.has(m.state));
  const failing = [...started.filter((m) => critical(m).length > 0 || lost(m)), ...crashed];
  const warned = healthy.filter((m) => m.checks.some((c) => c.status === "warning"));
  const unsure = healthy.filter((m) => m.hostStatus === "unknown");
  // Stopped and suspended machines count neither way; transitional states (starting, replacing) neither.

  if (healthy.length === 0) {
    const found =
      machines.length === 0
        ? "the app has no machines"
        : started.length === 0
          ? `no started machine (${countStates(machines)})`
          : `none of ${started.length} started machines passes: ${failing.map(describe).join("; ")}`;
    return {
      ok: false,
      value: 0,
      failure: { kind: "assertion", assertion: "a started machine passes its checks", expected: "at least 1", found },
    };
  }
  const notes = [
    ...(failing.length
      ? [
          `${failing.length} of ${started.length + crashed.length} machines failing: ${failing.map(describe).join("; ")}`,
        ]
      : []),
    ...warned.map(
      (m) =>
        `${label(m)} check warning: ${m.checks
          .filter((c) => c.status === "warning")
          .map(checkText)
          .join(", ")}`,
    ),
    ...unsure.map((m) => `${label(m)} host status unknown`),
  ];
  return { ok: true, value: healthy.length, ...(notes.length && { warning: notes.join("; ") }) };
}

function describe(m: Machine): string {
  if (CRASHED.has(m.state)) return `${label(m)} state ${m.state}`;
  if (m.hostStatus === "unreachable") return `${label(m)} host unreachable`;
  return `${label(m)} critical: ${m.checks
    .filter((c) => c.status === "critical")
    .map(checkText)
    .join(", ")}`;
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
  const bad = (detail: string) => ({
    failure: { kind: "protocol" as const, detail: `Machines API answer: ${detail}` },
  });
  if (!Array.isArray(body)) return bad("expected a list of machines");
  const list: Machine[] = [];
  for (const [i, m] of body.entries()) {
    if (!m || typeof m !== "object") return bad(`[${i}] is not a machine object`);
    const { id, name, state, region, checks, host_status: hostStatus } = m as Record<string, unknown>;
    if (typeof id !== "string" || typeof state !== "string") return bad(`[${i}] has no string id and state`);
    if (checks !== undefined && checks !== null && !Array.isArray(checks)) return bad(`[${i}].checks is not a list`);
    const parsed: Machine["checks"] = [];
    for (const [j, c] of ((checks as unknown[] | null | undefined) ?? []).entries()) {
      const { name: cn, status, output } = (c ?? {}) as Record<string, unknown>;
      if (typeof cn !== "string" || typeof status !== "string")
        return bad(`[${i}].checks[${j}] has no string name and status`);
      parsed.push({ name: cn, status, ...(typeof output === "string" && { output }) });
    }
    list.push({
      id,
      state,
      checks: parsed,
      ...(typeof name === "string" && { name }),
      ...(typeof region === "string" && { region }),
      ...(typeof hostStatus === "string" && { hostStatus }),
    });
  }
  return { list };
}
