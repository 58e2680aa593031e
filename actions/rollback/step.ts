/**
 * One rollback, end to end, with every dependency passed in: validate → resolve the plan → (dry
 * run: print it and stop) → deployment in_progress → roll → verify with the probes → deployment
 * status, incident comment → audit record written and committed. Nothing here reads the process
 * environment or @actions/core; the entry (main.ts) and `ops rollback` build the dependencies.
 */
import type { Clock } from "../shared/clock.ts";
import type { OpsConfig, ServiceConfig } from "../shared/config/schema/index.ts";
import { resolveSecrets, type Env, type Redactor } from "../shared/config/secrets.ts";
import type { ProbeResult } from "../shared/probe/result.ts";
import { buildCommandArgv, runRollbackCommand } from "./command-provider.ts";
import { commentOnIncident, finishDeployment, startDeployment, type DeploymentContext } from "./deployment.ts";
import { describeFleet, executeFlyPlan, type ExecutionResult } from "./execute.ts";
import { createFlyClient, type FlyClient, type FlyClientOptions } from "./fly.ts";
import type { RollbackGitHub } from "./github.ts";
import { selectService, type RollbackRequest } from "./inputs.ts";
import { describePlan, parseFlyTarget, planFlyRollback, resolveFlyTarget } from "./plan.ts";
import { recordId, writeRecord, type RollbackRecord } from "./record.ts";
import { engineProbe, verifyService, type Verification } from "./verify.ts";

/** The rollback job has `timeout-minutes: 45`: setup, 35 min of rollout, verification (5 min), record. */
export const DEFAULT_ROLLOUT_BUDGET_MS = 35 * 60_000;

/** The rollback could not start (a missing secret): nothing was changed, and it is not a bug. */
export class NotStartedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotStartedError";
  }
}

export interface RollbackDeps {
  config: OpsConfig;
  request: RollbackRequest;
  env: Env;
  clock: Clock;
  redactor: Redactor;
  log: (line: string) => void;
  /** Where reports/rollbacks/ is written. */
  dataDir: string;
  /** Who dispatched (GITHUB_TRIGGERING_ACTOR / GITHUB_ACTOR, or the local user). */
  actor: string;
  run?: { id: number; attempt: number; url?: string };
  /** The commit the deployment points at (GITHUB_SHA). */
  ref?: string;
  /** Absent: no deployment, approvals or comment (local runs). */
  github?: RollbackGitHub;
  /** Commits the record (the shared safe-commit path). Absent: written, not committed. */
  commit?: (paths: string[], message: string) => Promise<void>;
  flyClient?: (options: FlyClientOptions) => FlyClient;
  /** One probe round; default the foundation engine. */
  probe?: (service: ServiceConfig) => Promise<ProbeResult>;
  timeouts?: {
    verifyMs?: number;
    verifyIntervalMs?: number;
    startMs?: number;
    checksMs?: number;
    checksPollMs?: number;
    commandMs?: number;
    /** Time the rollout may take from the start, so the job's timeout never cuts it unrecorded (default 35 min). */
    rolloutBudgetMs?: number;
  };
}

/** Phase "plan": checks the inputs against the config without any secret, and says what will happen. */
export function planOnly(config: OpsConfig, request: RollbackRequest): string[] {
  const { service, rollback } = selectService(config, request.service);
  if (rollback.provider === "fly") {
    const spec = parseFlyTarget(request.target);
    const to =
      spec.kind === "image"
        ? spec.ref
        : spec.kind === "release"
          ? `release v${spec.version}`
          : "the previous distinct image";
    return [
      `${service.name} (${service.id}): Fly app ${rollback.app}, roll every machine to ${to}, one at a time (lease → update → started → checks).`,
      `Machines are listed with the production token after approval${request.dryRun ? "; dry run: the approved job prints the full plan and changes nothing" : ""}.`,
      `Then: verify with the ${service.probe.type} probe until up (or fail), record under reports/rollbacks/.`,
    ];
  }
  const argv = buildCommandArgv(rollback, { service: service.id, target: request.target });
  return [
    `${service.name} (${service.id}): run without a shell: ${JSON.stringify(argv)}`,
    `Then: verify with the ${service.probe.type} probe until up (or fail).`,
  ];
}

export async function runRollback(deps: RollbackDeps): Promise<RollbackRecord> {
  const { config, request, clock, log } = deps;
  const { service, rollback } = selectService(config, request.service);
  const started = clock.now();
  const notes: string[] = [];
  const t = deps.timeouts ?? {};

  // Resolve everything before any change: a bad target or an unreachable API stops here.
  let fly: { client: FlyClient; plan: ReturnType<typeof planFlyRollback> } | undefined;
  let argv: string[] | undefined;
  let planLines: string[];
  if (rollback.provider === "fly") {
    const spec = parseFlyTarget(request.target);
    const token = resolveSecrets(rollback.token, deps.env, deps.redactor);
    if (!token.ok) {
      throw new NotStartedError(
        `missing secret ${token.missing.join(", ")}: add it as an environment secret of \`production\` (Settings → Environments → production; only the approved job can read it), or export it to run \`ops rollback\` locally`,
      );
    }
    const client = (deps.flyClient ?? createFlyClient)({
      apiUrl: rollback.apiUrl,
      app: rollback.app,
      token: token.value,
      clock,
      onRetry: (r) =>
        log(
          `Machines API ${r.status} on ${r.method} ${r.path}: retry ${r.attempt} in ${Math.round(r.waitMs / 1000)} s`,
        ),
    });
    const machines = await client.listMachines();
    const versions = await Promise.all(machines.map((m) => client.listVersions(m.id)));
    const plan = planFlyRollback(rollback.app, machines, resolveFlyTarget(spec, machines, versions));
    fly = { client, plan };
    planLines = describePlan(plan);
  } else {
    argv = buildCommandArgv(rollback, { service: service.id, target: request.target });
    planLines = [`run without a shell: ${JSON.stringify(argv.map((a) => deps.redactor.scrub(a)))}`];
  }
  for (const line of planLines) log(line);

  const to = fly ? fly.plan.target.image : (request.target ?? "the previous release (chosen by the command)");
  const base: Omit<RollbackRecord, "outcome" | "summary" | "timings"> = {
    version: 1,
    id: recordId(service.id, started, deps.run),
    service: service.id,
    serviceName: service.name,
    provider: rollback.provider,
    ...(rollback.provider === "fly" ? { app: rollback.app } : {}),
    dispatchedBy: deps.actor,
    approvedBy: [],
    reason: request.reason,
    ...(request.incident ? { incident: request.incident } : {}),
    ...(deps.run ? { run: deps.run } : {}),
    target: {
      input: request.target ?? null,
      ...(fly
        ? { image: fly.plan.target.image, source: fly.plan.target.source }
        : { source: request.target ? "given target" : "command default" }),
      ...(fly?.plan.target.releaseVersion ? { releaseVersion: fly.plan.target.releaseVersion } : {}),
    },
    from: fly ? fly.plan.fromImages : ["unknown"],
    to,
    plan: planLines,
    notes,
  };

  if (request.dryRun) {
    const finished = clock.now();
    const summary = `Dry run: nothing was changed. ${fly ? `${fly.plan.steps.length} machine(s) would move to ${to}.` : `The command would run as shown.`}`;
    log(summary);
    return {
      ...base,
      outcome: "dry-run",
      summary,
      timings: {
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        totalMs: finished.getTime() - started.getTime(),
      },
    };
  }

  const record: RollbackRecord = {
    ...base,
    outcome: "failure",
    summary: "",
    timings: { startedAt: started.toISOString(), finishedAt: "", totalMs: 0 },
  };
  if (deps.github && deps.run) {
    try {
      record.approvedBy = await deps.github.listRunApprovals(deps.run.id);
      if (!record.approvedBy.some((x) => x.state === "approved")) {
        notes.push(
          "no approval recorded for this run: is the `production` environment protected by required reviewers? (docs/rollback.md)",
        );
      }
    } catch (error) {
      record.approvalsError = (error as Error).message;
      notes.push(`approvals not read: ${record.approvalsError}`);
    }
  }
  const ctx: DeploymentContext | undefined = deps.github
    ? {
        github: deps.github,
        runKey: deps.run ? String(deps.run.id) : record.id,
        ref: deps.ref ?? "main",
        notes,
        ...(environmentUrl(service, rollback) ? { environmentUrl: environmentUrl(service, rollback)! } : {}),
        ...(deps.run?.url ? { logUrl: deps.run.url } : {}),
      }
    : undefined;
  const deploymentId = ctx
    ? await startDeployment(ctx, { service: service.id, from: record.from, to, reason: request.reason })
    : undefined;
  if (deploymentId !== undefined) record.deployment = { id: deploymentId };

  // Roll.
  const rollStart = clock.now().getTime();
  let execution: ExecutionResult | undefined;
  let rolledOk: boolean;
  if (fly) {
    execution = await executeFlyPlan(fly.plan, {
      fly: fly.client,
      clock,
      log,
      description: `hotdash-ops rollback by ${deps.actor}: ${request.reason}`.slice(0, 200),
      ...(t.startMs !== undefined ? { startTimeoutMs: t.startMs } : {}),
      ...(t.checksMs !== undefined ? { checksTimeoutMs: t.checksMs } : {}),
      ...(t.checksPollMs !== undefined ? { checksPollMs: t.checksPollMs } : {}),
      deadline: new Date(started.getTime() + (t.rolloutBudgetMs ?? DEFAULT_ROLLOUT_BUDGET_MS)),
    });
    record.machines = execution.machines;
    notes.push(...execution.warnings);
    rolledOk = execution.outcome === "success" || execution.outcome === "noop";
  } else {
    record.command = await runRollbackCommand(argv!, {
      clock,
      env: deps.env,
      redactor: deps.redactor,
      ...(t.commandMs ? { timeoutMs: t.commandMs } : {}),
    });
    rolledOk = record.command.ok;
  }
  record.timings.rolloutMs = clock.now().getTime() - rollStart;

  // Verify: the probes decide.
  let verification: Verification | undefined;
  if (rolledOk) {
    verification = await verifyService({
      service,
      defaults: config.defaults,
      clock,
      probe: deps.probe ?? engineProbe({ defaults: config.defaults, clock, env: deps.env, redactor: deps.redactor }),
      log,
      ...(t.verifyMs !== undefined ? { timeoutMs: t.verifyMs } : {}),
      ...(t.verifyIntervalMs !== undefined ? { intervalMs: t.verifyIntervalMs } : {}),
    });
    record.verification = verification;
    record.timings.verifyMs = verification.durationMs;
  } else {
    record.verificationSkipped = "the rollout did not complete";
  }

  [record.outcome, record.summary] = decide(service.id, to, execution, record, verification);
  const finished = clock.now();
  record.timings.finishedAt = finished.toISOString();
  record.timings.totalMs = finished.getTime() - started.getTime();
  log(record.summary);

  if (ctx) {
    await finishDeployment(ctx, deploymentId, record);
    await commentOnIncident(ctx, record);
  }
  const files = await writeRecord(deps.dataDir, record);
  if (deps.commit) {
    try {
      await deps.commit(files, `ops: rollback ${service.id} to ${to} (${record.outcome}) [skip ci]`);
    } catch (error) {
      notes.push(`record not committed: ${(error as Error).message}`);
      await writeRecord(deps.dataDir, record);
      throw new Error(
        `the rollback ended (${record.outcome}) but its record could not be committed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return record;
}

function decide(
  id: string,
  to: string,
  execution: ExecutionResult | undefined,
  r: RollbackRecord,
  v: Verification | undefined,
): [RollbackRecord["outcome"], string] {
  if (execution && execution.outcome === "partial") {
    return [
      "partial",
      `Stopped at ${execution.failure ?? "a failure"}. Split state, NOT a success: ${describeFleet(execution.machines)}. Finish (dispatch again) or revert by hand.`,
    ];
  }
  if (execution && execution.outcome === "failed")
    return ["failure", `Nothing was changed: ${execution.failure ?? "the rollout failed"}.`];
  if (r.command && !r.command.ok) {
    return [
      "failure",
      `The rollback command failed (${r.command.error ?? "unknown error"}); the state of ${id} is unknown — check it before trying again.`,
    ];
  }
  const where = execution ? `all ${execution.machines.length} machine(s) run ${to}` : `the command succeeded`;
  if (!v?.healthy) return ["failure", `${id}: ${where}, but verification failed: ${v?.summary ?? "not run"}.`];
  return ["success", `${id}: ${where} and the probes see it up (${v.summary}).`];
}

function environmentUrl(service: ServiceConfig, rollback: { provider: string; app?: string }): string | undefined {
  if (service.link) return service.link;
  return rollback.provider === "fly" && rollback.app ? `https://${rollback.app}.fly.dev` : undefined;
}
