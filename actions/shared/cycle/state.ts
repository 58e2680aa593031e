import { archiveFromRecords } from "../../incident/records-read.ts";
import type { Latest } from "../store/latest-schema.ts";
import { readLatest, writeLatest } from "../store/latest.ts";
import { rebuildFromHistory } from "../store/rebuild.ts";
import type { RunContext } from "./context.ts";

/**
 * The state a run starts from and leaves behind: reports/latest.json, read through the store's one
 * reader and written once, at the end of the steps that change it.
 */

/**
 * For the probe path, which owns the state: latest.json, or — lost or corrupt (kept aside) — the
 * services rebuilt from the history tail and the closed incidents from the records, so `since`,
 * counters and the incident history survive.
 */
export async function loadState(ctx: RunContext): Promise<Latest | undefined> {
  const stored = await readLatest(ctx.dataDir, ctx.runAt, ctx.log);
  if (stored.kind === "ok") return stored.latest;
  const rebuilt = await rebuildFromHistory(ctx.dataDir, ctx.runAt, ctx.log);
  const ids = [...ctx.config.services, ...ctx.config.groups].map((s) => s.id);
  const archive = await archiveFromRecords(ctx.dataDir, ids, ctx.log);
  if (!rebuilt || archive.length === 0) return rebuilt;
  ctx.log.warn(`rebuilt the incident history (${archive.length} closed incident(s)) from incidents/*.md`);
  return { ...rebuilt, archive };
}

export const MISSING = "it does not exist yet";

/** For steps that work on the stored state alone (`ops incidents`, `ops report`): never moved aside. */
export async function readState(ctx: RunContext): Promise<{ latest?: Latest; problem?: string }> {
  const stored = await readLatest(ctx.dataDir, ctx.runAt, ctx.log, { keepAside: false });
  if (stored.kind === "ok") return { latest: stored.latest };
  return { problem: stored.kind === "missing" ? MISSING : stored.problem };
}

export async function saveState(ctx: RunContext, latest: Latest): Promise<void> {
  await writeLatest(ctx.dataDir, latest);
}
