import type { Notifier } from "../../incident/notify/index.ts";
import type { ReportOutput } from "../../report/step.ts";
import type { Reach } from "../connectivity.ts";
import type { IssuesApi } from "../github/types.ts";
import type { ProbeResult } from "../probe/result.ts";
import type { Transition } from "../evaluate/index.ts";
import type { Latest } from "../store/latest-schema.ts";
import { githubFromEnv } from "./clients.ts";
import { heartbeatFromConfig, gapSubject } from "../heartbeat/index.ts";
import { gapStep, withGaps } from "./gap.ts";
import { guarded, type RunContext } from "./context.ts";
import type { IncidentStepResult } from "./incidents.ts";
import { evaluateStep, probeStep, type ProbeOptions } from "./observe.ts";
import { checkRunner, maintenanceStep, offlineNote, servicesInMaintenance } from "./preflight.ts";
import { loadState, MISSING, readState, saveState } from "./state.ts";

/**
 * The pipeline, assembled once: preflight → probe → evaluate → store → roll-up → history and
 * alerts → incidents → state → reports. Every entry (`ops run`, `ops merge`, `ops probe`,
 * `ops incidents`, `ops report`, `ops commit`'s regeneration, the probe / incident / report
 * actions, the demo) is one of the compositions below. Data is handed forward, never read back:
 * the history is read once, the alerts computed once, latest.json written once.
 */
export interface Clients {
  /** A ready GitHub client (tests, the demo); otherwise built from GITHUB_TOKEN / GITHUB_REPOSITORY / GITHUB_API_URL. */
  github?: IssuesApi;
  /** A ready notifier (the demo prints); otherwise built from the config's notification secrets. */
  notifier?: Notifier;
}

export interface CycleOptions extends ProbeOptions, Clients {
  /** The locations merged results came from (multi-location consensus). */
  locations?: string[];
  /** How the connectivity pre-check reaches a URL (tests inject one). */
  reach?: Reach;
  /** Also build the status site into this folder, from the run's own state and history view. */
  site?: string;
}

export interface ProbeStepOutput {
  latest: Latest;
  previous?: Latest;
  results: ProbeResult[];
  transitions: Transition[];
  /** Bytes this run appended to the history. */
  historyBytes: number;
}

export interface CycleOutput {
  probe: ProbeStepOutput;
  incidents?: IncidentStepResult;
  reports?: ReportOutput;
  /** Lines saying what the later steps did, for the console and the job summary. */
  notes: string[];
  /** Failures of later steps; what earlier steps stored was kept regardless. They fail the run. */
  errors: string[];
  /** What someone should look at but does not fail the run (a notification that was not delivered). */
  warnings: string[];
}

/**
 * The steps after the probe, each imported by the first composition that needs it: `ops probe`
 * never loads the incident or report steps, and nothing loads the status site without `--site`.
 */
const STEPS = {
  record: () => import("./record.ts"),
  alerts: () => import("./alerts.ts"),
  incidents: () => import("./incidents.ts"),
  reports: () => import("./reports.ts"),
  site: () => import("../../report/site/build.ts"),
};
type Step = keyof typeof STEPS;
const loaded = new Map<Step, Promise<unknown>>();

function step<S extends Step>(name: S): ReturnType<(typeof STEPS)[S]> {
  let module = loaded.get(name);
  if (!module) loaded.set(name, (module = STEPS[name]()));
  return module as ReturnType<(typeof STEPS)[S]>;
}

/**
 * Imports the later steps while the fleet is probed: the probes wait on the network, so the
 * loading (tens of ms, more on a runner with no compile cache) costs the run no time. It starts
 * once the first samples are out, and goes one step at a time, giving the event loop back
 * between them, so a sample's answer is never kept waiting for more than one step's modules.
 */
async function loadWhileProbing(names: readonly Step[]): Promise<void> {
  for (const name of names) {
    await new Promise((resolve) => setImmediate(resolve));
    // A step that fails to load fails where it is used: its composition awaits the same import.
    await step(name).catch(() => undefined);
  }
}

/** Octokit loads only when a client is built (githubFromEnv imports it on first use). */
async function clientFor(ctx: RunContext, clients: Clients): Promise<IssuesApi | string> {
  return (
    clients.github ??
    (await githubFromEnv(ctx.env, { dryRun: ctx.dryRun, log: (line) => ctx.log.info(ctx.redactor.scrub(line)) }))
  );
}

/** Preflight, probe and evaluate: the state of the fleet now, and the maintenance in force. */
async function observe(
  ctx: RunContext,
  o: CycleOptions & { client: IssuesApi | string | undefined; write: boolean; later: readonly Step[] },
  notes: string[],
  _errors: string[],
) {
  const connectivity = await checkRunner(ctx, o.reach);
  const note = offlineNote(connectivity);
  if (note) notes.push(note);
  const previous = o.write ? await loadState(ctx) : (await readState(ctx)).latest;
  // Open `maintenance` issues are read while the fleet is probed, with a deadline: neither waits
  // for the other, and a GitHub that does not answer leaves the last known windows in force.
  const reading = maintenanceStep(ctx, typeof o.client === "string" ? undefined : o.client, previous?.maintenanceKnown);
  const probing = probeStep(ctx, connectivity, o);
  void loadWhileProbing(o.later);
  const probed = await probing;
  const { maintenance, known, note: maintenanceNote, githubDown } = await reading;
  if (maintenanceNote) notes.push(maintenanceNote);
  const evaluated = evaluateStep(ctx, {
    previous,
    probed,
    connectivity,
    inMaintenance: servicesInMaintenance(ctx, maintenance),
    ...(o.locations && { locations: o.locations }),
  });
  const kept = known ?? previous?.maintenanceKnown;
  const latest = kept ? { ...evaluated.latest, maintenanceKnown: kept } : evaluated.latest;
  return { previous, probed, maintenance, latest, transitions: evaluated.transitions, githubDown: githubDown === true };
}

/** `ops probe` (write: false) and the probe action (write: true): probe → evaluate → store → roll-up. */
export async function probeRun(ctx: RunContext, o: CycleOptions & { write: boolean }): Promise<CycleOutput> {
  const notes: string[] = [];
  const errors: string[] = [];
  const github = ctx.config.incidents.enabled ? await clientFor(ctx, o) : undefined;
  const seen = await observe(ctx, { ...o, client: github, later: o.write ? ["record"] : [] }, notes, errors);
  let historyBytes = 0;
  if (o.write) {
    const { storeStep, rollupStep } = await step("record");
    historyBytes = await storeStep(ctx, seen.latest, seen.probed.results);
    await guarded(ctx, errors, "history roll-up", () => rollupStep(ctx));
    await saveState(ctx, seen.latest);
  }
  return { probe: probeOutput(seen, historyBytes), notes, errors, warnings: [] };
}

/**
 * `ops run`, `ops merge` and the demo: the whole cycle, between the heartbeat's start ping and
 * its success or fail ping, so a monitor that stops running (or keeps failing) pages someone.
 */
export async function fullRun(ctx: RunContext, o: CycleOptions): Promise<CycleOutput> {
  const heartbeat = heartbeatFromConfig(ctx.config.heartbeat, ctx.env, ctx.redactor, (line) => ctx.log.info(line));
  const started = heartbeat.start();
  let exitCode = 1;
  try {
    const out = await cycle(ctx, o);
    exitCode = out.errors.length ? 1 : 0;
    return out;
  } finally {
    await started;
    await heartbeat.finish(exitCode);
  }
}

async function cycle(ctx: RunContext, o: CycleOptions): Promise<CycleOutput> {
  const notes: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  // `--only` probes part of the fleet: the others' incidents must not be decided on stale state.
  const incidentsOn = ctx.config.incidents.enabled && !o.only;
  const github = incidentsOn ? await clientFor(ctx, o) : undefined;
  const later: Step[] = github ? ["record", "alerts", "incidents", "reports"] : ["record", "alerts", "reports"];
  if (o.site) later.push("site");
  const seen = await observe(ctx, { ...o, client: github, write: true, later }, notes, errors);
  const { storeStep, rollupStep } = await step("record");
  const { historyStep, alertsStep } = await step("alerts");
  const gap = gapStep(ctx, seen.previous);
  if (gap.kind === "gap") notes.push(`monitoring gap: ${gap.gap.summary}`);
  seen.latest = withGaps(seen.latest, seen.previous, gap);
  const historyBytes = await storeStep(ctx, seen.latest, seen.probed.results);
  await guarded(ctx, errors, "history roll-up", () => rollupStep(ctx));
  const view = await guarded(ctx, errors, "reading the history", () => historyStep(ctx));
  const alerts = view && (await guarded(ctx, errors, "error-budget alerts", async () => alertsStep(ctx, view)));

  let latest = seen.latest;
  let incidents: IncidentStepResult | undefined;
  if (github === undefined) {
    if (ctx.config.incidents.enabled) notes.push("incidents: skipped (--only probes part of the fleet)");
  } else if (seen.githubDown) {
    // One bounded attempt per run: GitHub already failed or timed out reading maintenance issues.
    errors.push(
      "incidents: skipped, GitHub did not answer this run (see the maintenance note); the next run finishes the incident work",
    );
  } else {
    const monitorSubjects =
      (gap.kind === "gap" && gap.openIncident) || latest.incidents["monitor:gap"]?.state === "open"
        ? [gapSubject(gap, ctx.runAt)]
        : [];
    const { incidentsStep } = await step("incidents");
    incidents = await guarded(ctx, errors, "incidents", () =>
      incidentsStep(ctx, {
        latest,
        github,
        maintenance: seen.maintenance,
        alerts,
        monitorSubjects,
        ...(o.notifier && { notifier: o.notifier }),
      }),
    );
    if (incidents) {
      latest = incidents.latest;
      notes.push(incidentNote(ctx, incidents));
      errors.push(...incidents.errors);
      warnings.push(...incidents.warnings);
    }
  }
  await saveState(ctx, latest);

  const { reportsStep } = await step("reports");
  const reports =
    view && alerts && (await guarded(ctx, errors, "reports", () => reportsStep(ctx, { latest, view, alerts })));
  if (reports) notes.push(reportNote(reports));
  const outDir = o.site;
  if (outDir && view) {
    const { buildSite } = await step("site");
    const site = await guarded(ctx, errors, "status site", () =>
      buildSite({
        config: ctx.config,
        dataDir: ctx.dataDir,
        outDir,
        now: ctx.runAt.getTime(),
        log: ctx.log,
        redactor: ctx.redactor,
        data: { latest, view, problems: [] },
      }),
    );
    if (site) notes.push(`site: ${site.files.length} file(s), ${Math.round(site.bytes / 1024)} KiB in ${outDir}`);
  }
  return {
    probe: probeOutput({ ...seen, latest }, historyBytes),
    ...(incidents && { incidents }),
    ...(reports && { reports }),
    notes,
    errors,
    warnings,
  };
}

export type StoredRun<T> = { kind: "ok"; value: T } | { kind: "no-state"; problem: string };

/**
 * `ops incidents` and the incident action: the incident step on the stored state, with the same
 * maintenance and alerts a full run would hand it. Replaying it on the same state changes nothing.
 */
export async function incidentsRun(ctx: RunContext, clients: Clients = {}): Promise<StoredRun<IncidentStepResult>> {
  const { latest, problem } = await readState(ctx);
  if (!latest) return { kind: "no-state", problem: problem ?? "unreadable" };
  const errors: string[] = [];
  const github = await clientFor(ctx, clients);
  const [{ historyStep, alertsStep }, { incidentsStep }] = await Promise.all([step("alerts"), step("incidents")]);
  const { maintenance } = await maintenanceStep(
    ctx,
    typeof github === "string" ? undefined : github,
    latest.maintenanceKnown,
  );
  const view = await guarded(ctx, errors, "reading the history", () => historyStep(ctx));
  const alerts = view && alertsStep(ctx, view);
  const result = await incidentsStep(ctx, {
    latest,
    github,
    maintenance,
    alerts,
    ...(clients.notifier && { notifier: clients.notifier }),
  });
  if (!ctx.dryRun && !result.skipped) await saveState(ctx, result.latest);
  return { kind: "ok", value: { ...result, errors: [...errors, ...result.errors] } };
}

/**
 * `ops report`, the report action and `ops commit`'s regeneration after a rebase: roll up, then
 * every report from the stored data at the run's time.
 */
export async function reportsRun(ctx: RunContext, o: { force?: boolean; write?: boolean } = {}): Promise<ReportOutput> {
  const write = o.write ?? true;
  const [{ rollupStep }, { historyStep, alertsStep }, { reportsStep }] = await Promise.all([
    step("record"),
    step("alerts"),
    step("reports"),
  ]);
  if (write) await rollupStep(ctx);
  const { latest, problem } = await readState(ctx);
  if (problem === MISSING)
    ctx.log.warn(`reports/latest.json does not exist yet; reports show history only (run "ops run" first)`);
  const view = await historyStep(ctx);
  return reportsStep(ctx, { latest, view, alerts: alertsStep(ctx, view), force: o.force ?? false, write });
}

function probeOutput(
  seen: {
    latest: Latest;
    previous?: Latest | undefined;
    probed: { results: ProbeResult[] };
    transitions: Transition[];
  },
  historyBytes: number,
): ProbeStepOutput {
  return {
    latest: seen.latest,
    ...(seen.previous && { previous: seen.previous }),
    results: seen.probed.results,
    transitions: seen.transitions,
    historyBytes,
  };
}

function incidentNote(ctx: RunContext, r: IncidentStepResult): string {
  if (r.skipped) return `incidents: ${r.skipped}`;
  const open = Object.values(r.latest.incidents).filter((i) => i.state === "open");
  return `incidents: ${r.operations.length} operation(s)${ctx.dryRun ? " (dry run)" : ""}; ${open.length} open`;
}

function reportNote(r: ReportOutput): string {
  return `reports: wrote ${r.written.length} file(s): ${r.written.slice(0, 6).join(", ")}${r.written.length > 6 ? ", …" : ""}`;
}
