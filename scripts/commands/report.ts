import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { reportsRun } from "../../actions/shared/cycle/run.ts";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, parse, runContext } from "../cli/context.ts";

/**
 * `ops report`: rolls up and prunes the history, then regenerates every report from the stored
 * data, without probing. `--now` renders at exactly that time, as the run at that time did;
 * `--force` rewrites the latest update, daily and weekly reports even if they exist; `--dry-run`
 * writes nothing and prints the summary.
 */
export async function reportCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, { force: { type: "boolean", default: false } });
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile);
  const redactor = createRedactor();
  resolveSecrets(config, deps.env, redactor);
  const out = await reportsRun(runContext(opts, config, deps, redactor), {
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
