import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { checkOnly, loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, parse } from "../cli/context.ts";
import { runCycle } from "../cli/cycle.ts";
import { finishCycle } from "../cli/outcome.ts";

/**
 * `ops run`: probe, evaluate, store, then incidents and reports. Exit 0 whatever the services'
 * state; 1 when a later step failed (after everything was stored).
 */
export async function runCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  checkOnly(config, opts.only);
  const redactor = createRedactor();
  const out = await runCycle({
    config,
    dataDir: opts.dataDir,
    clock: opts.clock,
    runAt: opts.runAt,
    env: deps.env,
    log: cliLog(deps.io),
    dryRun: opts.dryRun,
    redactor,
    ...(opts.only && { only: opts.only }),
  });
  return finishCycle(out, deps, redactor, opts.json);
}
