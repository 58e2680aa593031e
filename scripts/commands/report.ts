import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, parse } from "../cli/context.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { compactHistory } from "../../actions/shared/store/rollup.ts";
import { readLatestForReport } from "../../actions/report/latest-read.ts";
import { runReports } from "../../actions/report/run.ts";

/**
 * `ops report`: rolls up and prunes the history, then regenerates every report from the stored
 * data, without probing. `--now` makes it reproducible; `--force` rewrites the latest update,
 * daily and weekly reports even if they exist; `--dry-run` writes nothing and prints the summary.
 */
export async function reportCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, { force: { type: "boolean", default: false } });
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile);
  const log = cliLog(deps.io);
  // One instant for the whole report: `--now` then gives the same bytes on every run.
  const at = opts.clock.now();
  const clock = { now: () => new Date(at), sleep: opts.clock.sleep };
  const redactor = createRedactor();
  resolveSecrets(config, deps.env, redactor);
  if (!opts.dryRun) await compactHistory({ dataDir: opts.dataDir, config, now: at, log });
  const out = await runReports({
    config,
    latest: await readLatestForReport(opts.dataDir, log),
    dataDir: opts.dataDir,
    clock,
    log,
    redactor,
    force: values.force === true,
    write: !opts.dryRun,
  });
  if (opts.json) deps.io.out(JSON.stringify({ written: out.written, alerts: out.alerts }, null, 2) + "\n");
  else if (opts.dryRun) deps.io.out(out.summary);
  else {
    for (const f of out.written) deps.io.out(`wrote ${f}\n`);
    for (const a of out.alerts) deps.io.out(`alert ${a.action}: ${a.summary}\n`);
  }
  return 0;
}
