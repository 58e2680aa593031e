/**
 * Doing: rolls the planned machines one at a time (lease → update with the full config and the
 * new image → wait for `started` → wait for checks → release), stops at the first failure, and
 * then reads every machine back so the result says what each one really runs. The outcome is
 * computed from those observations, never from what was intended: a split fleet is `partial`.
 */
import type { Clock } from "../shared/clock.ts";
import { isLeaseConflict, type FlyClient } from "./fly.ts";
import type { FlyPlan, PlanStep } from "./plan.ts";

export type MachineStatus = "updated" | "failed" | "not-attempted" | "unchanged";

export interface MachineOutcome {
  machineId: string;
  name: string;
  region: string;
  fromImage: string;
  toImage: string;
  status: MachineStatus;
  /** The image in the machine's config when read back after the run; "unknown" if it could not be read. */
  runningImage: string;
  /** The machine's state when read back. */
  state: string;
  error?: string;
  startedAt?: string;
  durationMs?: number;
}

export type Outcome = "success" | "partial" | "failed" | "noop";

export interface ExecutionResult {
  /** success: every machine runs the target; failed: none was changed; partial: a split fleet. */
  outcome: Outcome;
  machines: MachineOutcome[];
  failure?: string;
  /** Things that went wrong without changing the outcome (a lease left to expire, a machine not read back). */
  warnings: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface ExecuteOptions {
  fly: FlyClient;
  clock: Clock;
  log: (line: string) => void;
  /** Lease description: who and why, visible to anyone else who tries to deploy meanwhile. */
  description: string;
  leaseTtlSeconds?: number;
  startTimeoutMs?: number;
  checksTimeoutMs?: number;
  checksPollMs?: number;
  /**
   * No machine is started after this if it could not finish before it (start + checks timeouts),
   * so the job's own timeout never kills a rollout half way, unrecorded.
   */
  deadline?: Date;
}

export async function executeFlyPlan(plan: FlyPlan, opts: ExecuteOptions): Promise<ExecutionResult> {
  const { fly, clock, log } = opts;
  const began = clock.now();
  const outcomes = new Map<string, MachineOutcome>();
  for (const s of plan.unchanged) outcomes.set(s.machineId, blank(s, "unchanged"));
  for (const s of plan.steps) outcomes.set(s.machineId, blank(s, "not-attempted"));
  let failure: string | undefined;
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    log(`  ! ${line}`);
  };

  // Someone else's lease means another deploy is under way: refuse before changing anything.
  for (const step of plan.steps) {
    const held = await fly.findLease(step.machineId);
    const expired = held?.expires_at !== undefined && held.expires_at * 1000 <= clock.now().getTime();
    if (held && !expired) {
      const until = held.expires_at ? ` until ${new Date(held.expires_at * 1000).toISOString()}` : "";
      failure = `machine ${step.machineId} is leased by ${held.owner ?? "someone"}${until}${held.description ? ` ("${held.description}")` : ""}; another deploy may be running. Nothing was changed; wait for it to finish (or release the lease with \`fly machine leases clear ${step.machineId}\`) and dispatch again`;
      break;
    }
  }

  if (!failure) {
    const perMachineMs = (opts.startTimeoutMs ?? 300_000) + (opts.checksTimeoutMs ?? 300_000);
    for (const step of plan.steps) {
      const o = outcomes.get(step.machineId)!;
      const t0 = clock.now();
      if (opts.deadline && t0.getTime() + perMachineMs > opts.deadline.getTime()) {
        const left = plan.steps.filter((s) => outcomes.get(s.machineId)!.status === "not-attempted").length;
        failure = `stopped before ${step.machineId}: it might not finish (up to ${Math.round(perMachineMs / 60_000)} min) within the rollout budget ending ${opts.deadline.toISOString()}; ${left} machine(s) not attempted. Dispatch again to continue`;
        log(`  ✗ ${failure}`);
        break;
      }
      o.startedAt = t0.toISOString();
      log(`→ ${step.machineId} (${step.region}): ${step.fromImage} → ${step.toImage}`);
      try {
        await rollOne(step, { ...opts, warn });
        o.status = "updated";
        log(`  ✓ ${step.machineId} started and healthy on ${step.toImage}`);
      } catch (error) {
        o.status = "failed";
        o.error = error instanceof Error ? error.message : String(error);
        failure = `machine ${step.machineId}: ${o.error}`;
        log(`  ✗ ${failure}`);
      }
      o.durationMs = clock.now().getTime() - t0.getTime();
      if (o.status === "failed") break;
    }
  }

  // Read every machine back: the record states what runs, not what was meant to.
  for (const o of outcomes.values()) {
    try {
      const m = await fly.getMachine(o.machineId);
      o.runningImage = m.config.image;
      o.state = m.state;
    } catch (error) {
      o.runningImage = "unknown";
      o.state = "unknown";
      warn(`could not read ${o.machineId} back: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const machines = [...outcomes.values()];
  const finished = clock.now();
  return {
    outcome: decideOutcome(plan, machines),
    machines,
    ...(failure ? { failure } : {}),
    warnings,
    startedAt: began.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - began.getTime(),
  };
}

async function rollOne(step: PlanStep, opts: ExecuteOptions & { warn: (line: string) => void }): Promise<void> {
  const { fly } = opts;
  let nonce: string;
  try {
    // The lease must outlive the longest this machine may take (start + checks), or it could lapse mid-update.
    const ttl =
      opts.leaseTtlSeconds ??
      Math.ceil(((opts.startTimeoutMs ?? 300_000) + (opts.checksTimeoutMs ?? 300_000)) / 1000) + 120;
    nonce = (await fly.acquireLease(step.machineId, { ttlSeconds: ttl, description: opts.description })).nonce;
  } catch (error) {
    if (isLeaseConflict(error))
      throw new Error(`could not take its lease: ${error.apiMessage}; another deploy may be running`, { cause: error });
    throw error;
  }
  try {
    // Read the config fresh under the lease: the update replaces it whole, so send all of it.
    const current = await fly.getMachine(step.machineId);
    const updated = await fly.updateMachine(step.machineId, { ...current.config, image: step.toImage }, nonce);
    const startMs = opts.startTimeoutMs ?? 300_000;
    const started = await fly.waitForState(step.machineId, {
      state: "started",
      instanceId: updated.instance_id,
      timeoutMs: startMs,
    });
    if (!started)
      throw new Error(`updated to ${step.toImage} but did not reach "started" within ${Math.round(startMs / 1000)} s`);
    const checksMs = opts.checksTimeoutMs ?? 300_000;
    const checks = await fly.waitForChecks(step.machineId, { timeoutMs: checksMs, pollMs: opts.checksPollMs ?? 5_000 });
    if (!checks.ok) {
      const bad = checks.machine.checks
        .filter((c) => c.status !== "passing")
        .map((c) => `${c.name}: ${c.status}${c.output ? ` (${c.output.slice(0, 120)})` : ""}`);
      throw new Error(
        `started on ${step.toImage} but its checks did not pass within ${Math.round(checksMs / 1000)} s: ${bad.join("; ")}`,
      );
    }
  } finally {
    await fly.releaseLease(step.machineId, nonce).catch((error: unknown) => {
      opts.warn(
        `lease on ${step.machineId} not released (it expires by itself): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }
}

function blank(step: PlanStep, status: MachineStatus): MachineOutcome {
  return {
    machineId: step.machineId,
    name: step.name,
    region: step.region,
    fromImage: step.fromImage,
    toImage: step.toImage,
    status,
    runningImage: "unknown",
    state: "unknown",
  };
}

export function decideOutcome(plan: FlyPlan, machines: MachineOutcome[]): Outcome {
  if (plan.steps.length === 0 && machines.every((m) => m.runningImage === plan.target.image)) return "noop";
  const onTarget = machines.filter((m) => m.runningImage === plan.target.image).length;
  const healthy = machines.every((m) => m.status === "updated" || m.status === "unchanged");
  if (healthy && onTarget === machines.length) return "success";
  const changed = machines.some((m) => m.status !== "unchanged" && m.runningImage !== m.fromImage);
  return changed ? "partial" : "failed";
}

/** "2 of 3 machines run X; 1 runs Y" — the sentence every report uses for the fleet's state. */
export function describeFleet(machines: MachineOutcome[]): string {
  const byImage = new Map<string, string[]>();
  for (const m of machines) byImage.set(m.runningImage, [...(byImage.get(m.runningImage) ?? []), m.machineId]);
  return [...byImage.entries()]
    .map(([image, ids]) => `${ids.length} of ${machines.length} on ${image} (${ids.join(", ")})`)
    .join("; ");
}
