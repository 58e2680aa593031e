import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { OpsConfig } from "../../shared/config/schema/index.ts";
import { type Log, paths } from "../../shared/store/files.ts";
import type { Latest } from "../../shared/store/latest-schema.ts";
import { type IncidentFact, readIncidentFacts } from "../incidents-read.ts";
import { readLatestForReport } from "../latest-read.ts";
import { DAY, windowEdges } from "../model.ts";
import { type HistoryView, loadHistoryView } from "../uptime.ts";

/**
 * Everything the site is built from, read once from the data directory: latest.json, a year of
 * history (daily rollups, the last days raw), and the incident records merged with latest.json's
 * incidents the way the weekly report reads them.
 */
export interface SiteData {
  latest: Latest | undefined;
  view: HistoryView;
  facts: IncidentFact[];
  /** incidents/*.md by file name, for their timelines and public updates. */
  records: ReadonlyMap<string, string>;
  problems: string[];
}

/** Days read raw: today and yesterday (the 24-hour window); older days come from the rollups. */
const RAW_RECENT_DAYS = 2;
export const SITE_SPAN_DAYS = 365;

export async function readSiteData(config: OpsConfig, dataDir: string, now: number, log: Log): Promise<SiteData> {
  const latest = await readLatestForReport(dataDir, log);
  const view = await loadHistoryView({
    dataDir,
    now,
    gapLimit: config.retention.gapLimit,
    spanDays: SITE_SPAN_DAYS,
    rawRecentDays: RAW_RECENT_DAYS,
    edges: [...windowEdges(now), now - 90 * DAY],
  });
  const names = new Map<string, string>([...config.services, ...config.groups].map((s) => [s.id, s.name]));
  const { facts, problems } = await readIncidentFacts(dataDir, latest, names);
  const records = new Map<string, string>();
  const dir = paths.incidentsDir(dataDir);
  let files: string[] = [];
  try {
    files = (await readdir(dir)).filter((n) => /^\d{4}-\d{2}-\d{2}-.+\.md$/.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot list ${dir}: check its permissions`, { cause: e });
  }
  for (const name of files.sort()) records.set(name, await readFile(join(dir, name), "utf8"));
  return { latest, view, facts, records, problems: [...problems, ...view.problems.slice(0, 5)] };
}
