import { runProbeStep } from "../../actions/probe/step.ts";
import { fleetTable } from "../../actions/probe/table.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { probeShard } from "../../actions/shared/shard-probe.ts";
import { parseShard } from "../../actions/shared/shard.ts";
import { checkOnly, loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, parse, usage } from "../cli/context.ts";

/**
 * `ops probe`: probe and print; writes nothing. With `--shard i/N` (the monitor workflow's matrix
 * jobs) it probes only that shard and prints the shard file (JSON) the fan-in job merges.
 */
export async function probeCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, { shard: { type: "string" }, location: { type: "string", default: "github" } });
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  checkOnly(config, opts.only);
  const redactor = createRedactor();
  if (values.shard !== undefined) {
    let shard;
    try {
      shard = parseShard(values.shard);
    } catch (e) {
      throw usage(`--shard: ${(e as Error).message}`);
    }
    const file = await probeShard({
      config,
      shard,
      location: values.location,
      clock: opts.clock,
      env: deps.env,
      redactor,
      ...(opts.only && { only: opts.only }),
    });
    deps.io.out(redactor.scrub(JSON.stringify(file)) + "\n");
    return 0;
  }
  const out = await runProbeStep({
    config,
    dataDir: opts.dataDir,
    clock: opts.clock,
    runAt: opts.runAt,
    env: deps.env,
    redactor,
    log: cliLog(deps.io),
    write: false,
    ...(opts.only && { only: opts.only }),
  });
  deps.io.out(opts.json ? JSON.stringify({ results: out.results, latest: out.latest }, null, 2) + "\n" : fleetTable(out.latest) + "\n");
  return 0;
}
