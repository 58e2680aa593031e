import type { OpsConfig } from "../shared/config/schema/index.ts";
import type { Redactor } from "../shared/config/secrets.ts";
import type { Clock } from "../shared/clock.ts";
import type { IssuesApi } from "../shared/github/types.ts";
import type { Log } from "../shared/log.ts";
import type { ActiveMaintenance } from "../shared/maintenance.ts";
import type { IncidentState, Latest } from "../shared/store/latest-schema.ts";
import { decide } from "./lifecycle.ts";
import { failureWarnings } from "./notify/failures.ts";
import type { Delivery, IncidentEvent, Notifier } from "./notify/index.ts";
import { missingNumbers, openByKey, reconcile, type Fetched } from "./reconcile.ts";
import { writeRecord } from "./records.ts";
import { readPublicUpdates, sameUpdates } from "./public-updates.ts";
import type { IssueComment, RepoRole } from "../shared/github/types.ts";
import { readSignals } from "./signals.ts";
import { silenceFor } from "./silences.ts";
import { blindSubjects, budgetSubjects, subjectsOf, type BurnAlert, type Subject } from "./subjects.ts";
import { loadTemplate, type IncidentTemplate } from "./template.ts";
import { carryOut, closeDuplicate, type Operation, type TrackerContext } from "./tracker.ts";

/**
 * The incident step of a run: reconcile the stored incidents with GitHub's open issues, decide
 * (pure) what each service and group needs, carry it out, then notify — once for the whole run,
 * so twenty services down are one message per route, not twenty. It never throws for a GitHub or
 * notifier failure: those come back in `errors` and `warnings`, and an incident whose steps failed
 * keeps its previous state, so the next run repeats exactly the missing steps (each is idempotent).
 */
export interface IncidentDeps {
  config: OpsConfig;
  latest: Latest;
  github: IssuesApi;
  clock: Clock;
  /** Where `incidents/` records are written. */
  dataDir: string;
  dryRun?: boolean;
  notifier: Notifier;
  redactor: Redactor;
  log: Log;
  /** Defaults to `.github/ISSUE_TEMPLATE/incident.md` of this repository. */
  template?: IncidentTemplate;
  /** The windows in force (the pipeline's preflight: the config's plus open `maintenance` issues). */
  maintenance: ActiveMaintenance;
  /**
   * Error-budget burn-rate alerts of this run (the pipeline's alerts step); each is an incident of
   * kind "budget". Undefined when they could not be computed: budget incidents then stay as they are.
   */
  budgetAlerts: readonly BurnAlert[] | undefined;
  /**
   * Which run this is: a run already decided only finishes unfinished steps, so a step run twice
   * changes nothing. Default: the stored state's run time (latest.updatedAt).
   */
  runAt?: Date;
  /** Incidents about the monitor itself (a gap between runs), decided by the pipeline. */
  monitorSubjects?: readonly Subject[];
}

export interface NotificationResult {
  key: string;
  event: IncidentEvent["event"];
  deliveries: Delivery[];
  /** Not sent: a silence was in force (why, by whom, until when). */
  silenced?: string;
}

export interface IncidentRunResult {
  latest: Latest;
  operations: Operation[];
  notifications: NotificationResult[];
  errors: string[];
  /**
   * Failed deliveries. They do not fail the run: the issue (which GitHub notifies its watchers of)
   * and the stored results are done, and a red job for a webhook pages nobody more.
   */
  warnings: string[];
}

export async function runIncidents(deps: IncidentDeps): Promise<IncidentRunResult> {
  const { config, latest, github, redactor, log } = deps;
  const operations: Operation[] = [];
  const notifications: NotificationResult[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const warn = (message: string) => {
    const clean = redactor.scrub(message);
    warnings.push(clean);
    log.warn(`incidents: ${clean}`);
  };
  const fail = (message: string) => {
    const clean = redactor.scrub(message);
    errors.push(clean);
    log.warn(`incidents: ${clean}`);
  };
  const result = (incidents: Record<string, IncidentState>): IncidentRunResult => ({
    latest: deps.dryRun ? latest : { ...latest, incidents },
    operations,
    notifications,
    errors,
    warnings,
  });
  if (!config.incidents.enabled) return result(latest.incidents);

  const now = deps.clock.now();
  const template = deps.template ?? (await loadTemplate());
  let listed;
  try {
    listed = await github.listIssues({ state: "open", labels: config.incidents.labels.slice(0, 1) });
  } catch (error) {
    // Without the open issues nothing can be reconciled safely; the stored state stays as it was.
    fail(`cannot list open incident issues, no incident work this run: ${messageOf(error)}`);
    return result(latest.incidents);
  }
  const open = openByKey(listed);

  const fetched = new Map<number, Fetched>();
  for (const n of missingNumbers(latest.incidents, open)) {
    try {
      const issue = await github.getIssue(n);
      const closedByUs =
        issue?.state === "closed" &&
        (await github.listComments(n)).some((c) => /hotdash-ops:event \{"key":"[^"]+","id":"resolved-/.test(c.body));
      fetched.set(n, { issue, closedByUs });
    } catch (error) {
      fail(`cannot check issue #${n}: ${messageOf(error)}`);
    }
  }
  const budgets = deps.budgetAlerts ? budgetSubjects(deps.budgetAlerts, latest, now, config.incidents.flapWindow) : [];
  const subjects = [
    ...subjectsOf(latest, deps.maintenance),
    ...budgets,
    ...blindSubjects(latest, config.incidents.blindAfter),
    ...(deps.monitorSubjects ?? []),
  ];
  const upKeys = new Set(subjects.filter((s) => s.status === "up").map((s) => s.key));
  const rec = reconcile(latest.incidents, open, fetched, upKeys);
  rec.notes.forEach((n) => log.info(`incidents: ${n}`));
  const incidents = { ...rec.incidents };

  const ctx: TrackerContext = {
    github,
    template,
    config: config.incidents,
    redactor,
    open,
    operations,
    writeRecord: async (relPath, content) => {
      if (deps.dryRun) return log.info(`[dry-run] write ${relPath} (${content.length} chars)`);
      await writeRecord(deps.dataDir, relPath, content);
    },
  };
  for (const d of rec.duplicates) {
    try {
      await closeDuplicate(ctx, d.key, d.close, d.keep);
    } catch (error) {
      fail(`${d.key}: cannot close duplicate #${d.close}: ${messageOf(error)}`);
    }
  }

  // The open incidents' issues, read once: acknowledgements (and silences) before deciding, the
  // same comments for the public updates after.
  const read = await readSignals({ github, incidents, open, config: config.incidents, now });
  read.errors.forEach((e) => warn(e));
  ctx.comments = read.comments;

  // The run's events, sent together after every plan is carried out; each record gets its
  // deliveries then. Records stay in plan order, silenced ones among them.
  const outbox: Array<{ record: NotificationResult; event: IncidentEvent }> = [];
  for (const plan of decide(
    subjects,
    incidents,
    config.incidents,
    now,
    deps.runAt ?? new Date(latest.updatedAt),
    read.signals,
  )) {
    const carried = await carryOut(plan, ctx);
    if (carried.error) {
      fail(`${plan.key}: ${messageOf(carried.error)}`);
      // Keep the previous state so the next run repeats the rest. A new incident is kept as open
      // (issue number known or not): the next run adopts its issue by marker and announces it.
      const prev = incidents[plan.key];
      if (!prev || (prev.state === "closed" && plan.steps[0]?.do === "ensure-issue"))
        incidents[plan.key] = carried.state;
      continue;
    }
    incidents[plan.key] = carried.state;
    const silence = silenceFor(plan.subject.id, read.commands[plan.key]?.silenced, config.silences, now);
    for (const step of carried.notify) {
      if (silence && step.event !== "resolve") {
        // Held, not queued: the event counts as sent, so the silence's end does not replay it.
        notifications.push({
          key: plan.key,
          event: step.event,
          deliveries: [],
          silenced: `${silence.reason} (by ${silence.by}, until ${silence.until})`,
        });
        log.info(
          redactor.scrub(
            `incidents: ${plan.key}: ${step.event} not notified, silenced until ${silence.until}: ${silence.reason}`,
          ),
        );
        continue;
      }
      const event = scrubEvent(
        eventFor(
          step.event,
          carried.state,
          plan.subject.name,
          plan.subject.id,
          plan.subject.environment,
          plan.subject.evidence,
        ),
        redactor,
      );
      const record: NotificationResult = { key: plan.key, event: step.event, deliveries: [] };
      notifications.push(record);
      outbox.push({ record, event });
    }
  }
  if (outbox.length) {
    const sent = await deps.notifier.sendBatch(outbox.map((o) => o.event));
    outbox.forEach((o, i) => {
      o.record.deliveries = sent[i] ?? [];
    });
    failureWarnings(outbox.map((o) => o.record)).forEach((w) => warn(w));
  }
  // The issue's /silence as last seen, for STATUS.md; gone once it ends.
  for (const [key, cs] of Object.entries(read.commands)) {
    const state = incidents[key];
    if (!state) continue;
    const silence = cs.silenced
      ? { until: cs.silenced.until, by: cs.silenced.by, reason: cs.silenced.reason }
      : undefined;
    if (JSON.stringify(silence) !== JSON.stringify(state.silence)) incidents[key] = { ...state, silence };
  }
  await refreshPublicUpdates({
    incidents,
    subjects,
    ctx,
    github,
    now,
    log,
    dryRun: deps.dryRun === true,
    comments: read.comments,
    roles: read.roles,
  });
  return result(incidents);
}

/**
 * Public updates (`/status <phase>: text` comments by writers) of the incidents open now or closed
 * this run, kept in their state (for the status site) and their record. One comment listing per
 * such incident; a failure is a warning, never a stop to the issue work.
 */
async function refreshPublicUpdates(o: {
  incidents: Record<string, IncidentState>;
  subjects: readonly Subject[];
  ctx: TrackerContext;
  github: IssuesApi;
  now: Date;
  log: Log;
  dryRun: boolean;
  /** Comments already listed this run (readSignals), by issue number: not listed again. */
  comments: ReadonlyMap<number, IssueComment[]>;
  roles: Map<string, RepoRole>;
}): Promise<void> {
  const roles = o.roles;
  for (const [key, state] of Object.entries(o.incidents)) {
    if (!state.number || state.number <= 0) continue;
    if (state.state !== "open" && state.closedAt !== o.now.toISOString()) continue;
    try {
      const updates = await readPublicUpdates({
        github: o.github,
        issue: state.number,
        known: state.updates ?? [],
        roles,
        comments: o.comments.get(state.number),
      });
      if (sameUpdates(state.updates, updates)) continue;
      o.incidents[key] = { ...state, updates };
      const subject = o.subjects.find((s) => s.key === key);
      if (!subject || o.dryRun) continue;
      const carried = await carryOut({ key, subject, next: o.incidents[key]!, steps: [{ do: "record" }] }, o.ctx);
      if (carried.error)
        o.log.warn(`incidents: ${key}: public updates kept, record not rewritten: ${messageOf(carried.error)}`);
      else o.incidents[key] = carried.state;
    } catch (error) {
      o.log.warn(`incidents: ${key}: cannot read public updates: ${messageOf(error)}`);
    }
  }
}

function eventFor(
  kind: IncidentEvent["event"],
  s: IncidentState,
  name: string,
  id: string,
  env: string,
  evidence: string,
): IncidentEvent {
  const last = s.timeline[s.timeline.length - 1]?.text ?? "";
  const summary =
    kind === "open"
      ? `${name} (${env}) ${s.status}: ${evidence}`
      : kind === "reminder"
        ? `${name} (${env}) still ${s.status}, not acknowledged since it opened at ${s.openedAt}: ${evidence}`
        : `${name} (${env}): ${last}`;
  return {
    event: kind,
    key: s.key,
    severity: s.severity,
    summary,
    source: id,
    environment: env,
    url: s.url,
    details: {
      status: s.status,
      evidence,
      startedAt: s.startedAt ?? s.openedAt,
      ...(s.number ? { issue: `#${s.number}` } : {}),
    },
  };
}

function scrubEvent(e: IncidentEvent, redactor: Redactor): IncidentEvent {
  const details = Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, redactor.scrub(v)]));
  return { ...e, summary: redactor.scrub(e.summary), details };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
