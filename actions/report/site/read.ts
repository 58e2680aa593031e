import type { OpsConfig } from "../../shared/config/schema/index.ts";
import type { Log } from "../../shared/log.ts";
import type { Latest } from "../../shared/store/latest-schema.ts";
import { readLatest } from "../../shared/store/latest.ts";
import { DAY_MS } from "../../shared/store/history-read.ts";
import { type HistoryView, loadHistoryView } from "../../shared/store/view.ts";

/**
 * Everything the site is built from, read once from the data directory: latest.json (the fleet,
 * and the incidents with their timelines and public updates, open, recent and archived) and a
 * year of history (daily rollups, the last days raw).
 */
export interface SiteData {
  latest: Latest | undefined;
  view: HistoryView;
  problems: string[];
}

/** Days read raw: today and yesterday (the 24-hour window); older days come from the rollups. */
const RAW_RECENT_DAYS = 2;
export const SITE_SPAN_DAYS = 365;

export async function readSiteData(config: OpsConfig, dataDir: string, now: number, log: Log): Promise<SiteData> {
  const read = await readLatest(dataDir, new Date(now), log, { keepAside: false });
  const latest = read.kind === "ok" ? read.latest : undefined;
  const view = await loadHistoryView({
    dataDir,
    now,
    gapLimit: config.retention.gapLimit,
    spanDays: SITE_SPAN_DAYS,
    rawRecentDays: RAW_RECENT_DAYS,
    // Exact on the edges of the windows the site shows: 24 h, 7 d, 30 d, 90 d, a year.
    edges: [1, 7, 30, 90, 365].map((days) => now - days * DAY_MS),
  });
  return { latest, view, problems: view.problems.slice(0, 5) };
}
