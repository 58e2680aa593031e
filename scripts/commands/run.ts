import { resolve } from "node:path";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { fullRun } from "../../actions/shared/cycle/run.ts";
import { checkOnly, loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, parse, runContext } from "../cli/context.ts";
import { finishCycle } from "../cli/outcome.ts";

/**
 * `ops run`: the whole pipeline; `--site DIR` also builds the status site there. Exit 0 whatever the services' state; 1 when a later step failed
 * (after everything was stored).
 */
export async function runCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, { site: { type: "string" } });
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  checkOnly(config, opts.only);
  const redactor = createRedactor();
  const site = typeof values.site === "string" ? resolve(deps.cwd, values.site) : undefined;
  const out = await fullRun(runContext(opts, config, deps, redactor), {
    ...(opts.only && { only: opts.only }),
    ...(site && { site }),
  });
  return finishCycle(out, deps, redactor, opts.json);
}
