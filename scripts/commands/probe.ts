import { runProbeStep } from "../../actions/probe/step.ts";
import { fleetTable } from "../../actions/probe/table.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { checkOnly, loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, parse } from "../cli/context.ts";

/** `ops probe`: probe and print; writes nothing. */
export async function probeCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile);
  checkOnly(config, opts.only);
  const out = await runProbeStep({
    config,
    dataDir: opts.dataDir,
    clock: opts.clock,
    runAt: opts.runAt,
    env: deps.env,
    redactor: createRedactor(),
    log: cliLog(deps.io),
    write: false,
    ...(opts.only && { only: opts.only }),
  });
  deps.io.out(opts.json ? JSON.stringify({ results: out.results, latest: out.latest }, null, 2) + "\n" : fleetTable(out.latest) + "\n");
  return 0;
}
