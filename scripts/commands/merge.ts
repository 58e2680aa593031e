import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { describeVotes } from "../../actions/shared/consensus.ts";
import { fullRun } from "../../actions/shared/cycle/run.ts";
import { mergedShardFile, mergeShards, readShardFiles } from "../../actions/shared/shard-merge.ts";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, ExitError, common, parse, runContext, usage } from "../cli/context.ts";
import { finishCycle } from "../cli/outcome.ts";

/**
 * `ops merge --from DIR`: the monitor workflow's fan-in job. Merges the shard/location artifacts
 * and runs the rest of `ops run` (evaluate, store, incidents, reports) on them.
 * `--out FILE` writes only the merged results (as one shard file) and stops.
 */
export async function mergeCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, { from: { type: "string" }, out: { type: "string" } });
  const opts = common(values, deps);
  if (typeof values.from !== "string")
    throw usage("merge: --from DIR is required (the folder the shard artifacts were downloaded to)");
  const config = await loadConfigOrExit(opts.configFile);
  const files = await readShardFiles(resolve(deps.cwd, values.from)).catch((error: unknown) => {
    throw new ExitError(2, `--from ${values.from}: ${(error as Error).message}`, { cause: error });
  });
  if (files.length === 0)
    throw new ExitError(1, `merge: no shard files under ${values.from}; did every probe job fail? See their logs.`);
  const merged = mergeShards({
    files,
    services: config.services,
    downQuorum: config.consensus.downQuorum,
    now: opts.runAt,
  });
  const redactor = createRedactor();
  const ctx = runContext(opts, config, deps, redactor);
  for (const m of merged.missing) ctx.log.warn(`missing shard ${m}: its services are recorded unknown`);
  for (const line of describeVotes(merged.votes)) ctx.log.info(line);
  if (typeof values.out === "string") {
    await writeFile(resolve(deps.cwd, values.out), JSON.stringify(mergedShardFile(files, merged, opts.runAt)) + "\n");
    return 0;
  }
  const out = await fullRun(ctx, { results: merged.results, locations: merged.locations });
  // As `ops run`: the table, the job summary, and 1 when a later step failed after storing.
  return finishCycle(out, deps, redactor, opts.json);
}
