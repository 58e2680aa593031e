import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { OpsConfig } from "../../shared/config/schema/index.ts";
import type { Redactor } from "../../shared/config/secrets.ts";
import type { Log } from "../../shared/log.ts";
import { atomFeed, jsonFeed, rssFeed } from "./feeds.ts";
import { renderHome } from "./home.ts";
import { renderIncident, renderIncidents } from "./incidents.ts";
import { buildSiteModel } from "./model.ts";
import { readSiteData, type SiteData } from "./read.ts";
import { renderService } from "./service.ts";
import { statusJson } from "./status-json.ts";

/**
 * The status site: a pure function from (config, data, build time) to files, and the thin part
 * that reads the data directory and writes the build folder. The folder is replaced as a whole,
 * and only if it is empty or was built by this (a marker file says so), so `--out .` can never
 * wipe a repository.
 */
export const MARKER = ".ops-site";

export function buildSiteFiles(config: OpsConfig, data: SiteData, now: number): Map<string, string> {
  const model = buildSiteModel(config, data, now);
  const files = new Map<string, string>();
  files.set("index.html", renderHome(model));
  files.set("incidents.html", renderIncidents(model));
  for (const s of model.services) files.set(`services/${s.id}.html`, renderService(model, s));
  for (const i of model.allIncidents) files.set(`incidents/${i.slug}.html`, renderIncident(model, i));
  files.set("feed.atom", atomFeed(model));
  files.set("feed.rss", rssFeed(model));
  files.set("feed.json", jsonFeed(model));
  files.set("status.json", statusJson(model));
  // GitHub Pages: serve the files as they are (no Jekyll).
  files.set(".nojekyll", "");
  files.set(MARKER, "Built by `ops site`; this folder is replaced on every build.\n");
  return files;
}

export interface BuildSiteInput {
  config: OpsConfig;
  dataDir: string;
  outDir: string;
  /** The build time (the run's clock); decides every window and the stale banner. */
  now: number;
  log: Log;
  /** Scrubs secret values from every file (service reasons may echo them). */
  redactor?: Redactor;
  /** The run's own state and history view, handed forward by the pipeline; read from dataDir when absent (`ops site`). */
  data?: SiteData;
}

export interface BuildSiteOutput {
  /** Files written, relative to outDir. */
  files: string[];
  bytes: number;
  /** Bytes of index.html (the budget is 150 KB). */
  homeBytes: number;
}

export async function buildSite({
  config,
  dataDir,
  outDir,
  now,
  log,
  redactor,
  ...given
}: BuildSiteInput): Promise<BuildSiteOutput> {
  const data = given.data ?? (await readSiteData(config, dataDir, now, log));
  for (const p of data.problems) log.warn(`site: ${p}`);
  const files = buildSiteFiles(config, data, now);
  await replaceFolder(outDir);
  let bytes = 0;
  for (const [name, text] of files) {
    const out = redactor ? redactor.scrub(text) : text;
    await mkdir(dirname(join(outDir, name)), { recursive: true });
    await writeFile(join(outDir, name), out);
    bytes += Buffer.byteLength(out);
  }
  log.info(`site: wrote ${files.size} file(s), ${(bytes / 1024).toFixed(0)} KiB, to ${outDir}`);
  return { files: [...files.keys()], bytes, homeBytes: Buffer.byteLength(files.get("index.html")!) };
}

async function replaceFolder(outDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new Error(`cannot read the site folder ${outDir}: check its permissions`, { cause: e });
  }
  if (entries.length === 0) return;
  const ours = await stat(join(outDir, MARKER)).then(
    () => true,
    () => false,
  );
  if (!ours)
    throw new Error(
      `${outDir} is not empty and was not built by "ops site" (no ${MARKER} file); pass an empty or new folder with --out`,
    );
  await rm(outDir, { recursive: true, force: true });
}
