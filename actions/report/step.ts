import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../shared/clock.ts";
import type { OpsConfig } from "../shared/config/schema/index.ts";
import type { Redactor } from "../shared/config/secrets.ts";
import { writeFileAtomic, writeFilesAtomic } from "../shared/store/files.ts";
import type { Log } from "../shared/log.ts";
import type { Latest } from "../shared/store/latest-schema.ts";
import { badgesFor } from "./badges.ts";
import { statusCharts } from "./charts.ts";
import { nextRun, parseCron } from "./cron.ts";
import { renderDaily } from "./daily.ts";
import { incidentFacts } from "./incident-facts.ts";
import { buildModel, DAY } from "./model.ts";
import { hasReadmeMarkers, updateReadmeSection } from "./readme-section.ts";
import { isoWeek, latestDailySlot, latestWeeklySlot, nextDailySlot, slotName } from "./schedule.ts";
import { alertsFromView } from "../shared/slo/alerts.ts";
import type { BudgetAlert } from "../shared/slo/slo.ts";
import { type HistoryView, loadRunView } from "../shared/store/view.ts";
import { overallLine, renderStatus, statusTables } from "./status.ts";
import { buildSummary, type SummaryPart } from "./summary.ts";
import { renderUpdate } from "./updates.ts";
import { renderWeekly } from "./weekly.ts";
import { previousMonth, renderMonthly } from "./monthly.ts";

export interface ReportInput {
  config: OpsConfig;
  latest: Latest | undefined;
  dataDir: string;
  clock: Clock;
  log: Log;
  /** Write the update, daily and weekly reports of the latest slots even if their files exist. */
  force?: boolean;
  /** false: compute everything and return the summary, but write no file (`ops report --dry-run`). */
  write?: boolean;
  /** Scrubs secret values from everything written (reasons come from services and may echo them). */
  redactor?: Redactor;
  /** The run's history, read once by the pipeline; read here when not given (tests, benchmarks). */
  view?: HistoryView;
  /** The run's burn-rate alerts, computed once by the pipeline's alerts step; computed when not given. */
  alerts?: BudgetAlert[];
}

export interface ReportOutput {
  /** Files written (or, without `write`, that would be), relative to dataDir. */
  written: string[];
  /** Markdown for the job summary, < 1 MiB. */
  summary: string;
  /** Error-budget burn-rate alerts for the incident lifecycle (kind "budget"). */
  alerts: BudgetAlert[];
}

/**
 * The report step of `ops run` (and `ops report`): STATUS.md, badges, the README section, and the
 * runbooks' update / daily / weekly reports when their scheduled time has come. Everything is
 * a function of the config, latest.json, the stored history and the clock's time, read once.
 */
export async function runReports(input: ReportInput): Promise<ReportOutput> {
  const { config, latest, dataDir, clock, log, force = false, redactor, write: doWrite = true } = input;
  const now = clock.now().getTime();
  const view = input.view ?? (await loadRunView(dataDir, config, now, { writeCache: doWrite }));
  const model = buildModel(config, latest, view, now);
  const alerts = input.alerts ?? alertsFromView(config, view, now);
  let nextCheck: Date | undefined;
  try {
    nextCheck = nextRun(parseCron(config.schedule.monitor), new Date(now));
  } catch (e) {
    model.notes.push(`Next check unknown: ${(e as Error).message}.`);
  }
  const names = new Map<string, string>([...config.services, ...config.groups].map((s) => [s.id, s.name]));
  const facts = incidentFacts(latest, names, { config: config.incidents.sla, now });

  const written: string[] = [];
  const parts: SummaryPart[] = [];
  const write = async (file: string, text: string) => {
    if (doWrite) await writeFileAtomic(join(dataDir, file), redactor ? redactor.scrub(text) : text);
    written.push(file);
  };

  const charts = statusCharts(config, view, now);
  const status = renderStatus({ model, config, ...(nextCheck && { nextCheck }), alerts, charts });
  await write("reports/STATUS.md", status);
  parts.push({ title: "STATUS.md", markdown: status });

  const badges = [...badgesFor(config, model)].map(
    ([name, badge]) => [`reports/badges/${name}`, JSON.stringify(badge) + "\n"] as const,
  );
  if (doWrite)
    await writeFilesAtomic(
      badges.map(([file, text]) => [join(dataDir, file), redactor ? redactor.scrub(text) : text] as const),
    );
  written.push(...badges.map(([file]) => file));

  const readmeFile = join(dataDir, "README.md");
  const readme = await readIfExists(readmeFile);
  if (readme !== undefined) {
    if (hasReadmeMarkers(readme)) {
      const updated = updateReadmeSection(readme, `${overallLine(model, nextCheck)}\n\n${statusTables(model)}`);
      if (updated !== readme) await write("README.md", updated);
    } else
      log.warn(
        `${readmeFile} has no <!-- status:start --> / <!-- status:end --> markers; its status section was not updated`,
      );
  }

  const updateSlot = latestDailySlot(config.schedule.updates, now);
  if (updateSlot !== undefined) {
    const file = `reports/updates/${slotName(updateSlot)}.md`;
    if (force || !(await exists(join(dataDir, file)))) {
      const next = nextDailySlot(config.schedule.updates, now);
      const text = renderUpdate({
        config,
        latest,
        model,
        alerts,
        slot: updateSlot,
        ...(next !== undefined && { nextCheck: next }),
      });
      await write(file, text);
      parts.push({ title: file, markdown: text });
    }
  }
  // A period without any history (a fresh store) gets no daily or weekly file: nothing to say yet.
  const hasData = (from: number, to: number) =>
    config.services.some((svc) => {
      const { ms } = view.window(svc.id, from, to);
      return ms.up + ms.degraded + ms.down + ms.maintenance > 0;
    });
  const dailySlot = latestDailySlot([config.schedule.daily], now);
  if (dailySlot !== undefined) {
    const day = new Date(dailySlot).toISOString().slice(0, 10);
    const file = `reports/daily/${day}.md`;
    const from = Date.parse(`${day}T00:00:00.000Z`);
    if ((force || !(await exists(join(dataDir, file)))) && hasData(from, Math.min(from + DAY, now))) {
      const text = renderDaily({ config, view, model, facts, day });
      await write(file, text);
      parts.push({ title: file, markdown: text });
    }
  }
  const weeklySlot = latestWeeklySlot(config.schedule.weekly, now);
  const week = isoWeek(weeklySlot - 7 * DAY);
  const weeklyFile = `reports/weekly/${week.label}.md`;
  if ((force || !(await exists(join(dataDir, weeklyFile)))) && hasData(week.start, week.start + 7 * DAY)) {
    const text = renderWeekly({ config, view, model, facts, alerts, week });
    await write(weeklyFile, text);
    parts.push({ title: weeklyFile, markdown: text });
  }
  // The monthly review: at the first run of a new month (or, if that run failed, within its first week).
  const month = previousMonth(now);
  const monthlyFile = `reports/monthly/${month.label}.md`;
  if (month.due && (force || !(await exists(join(dataDir, monthlyFile)))) && hasData(month.start, month.end)) {
    const text = renderMonthly({ config, view, model, facts, month });
    await write(monthlyFile, text);
    parts.push({ title: monthlyFile, markdown: text });
  }
  for (const note of model.notes) log.warn(note);
  log.info(`reports: ${doWrite ? "wrote" : "would write"} ${written.length} file(s)`);
  const summary = buildSummary(parts, written);
  return { written, summary: redactor ? redactor.scrub(summary) : summary, alerts };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${file}`, { cause: e });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new Error(`cannot check ${file}`, { cause: e });
  }
}
