import { fleetTable } from "../../actions/probe/table.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { probeRun } from "../../actions/shared/cycle/run.ts";
import { probeShard } from "../../actions/shared/shard-probe.ts";
import { parseShard } from "../../actions/shared/shard.ts";
import { checkOnly, loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, parse, runContext, usage } from "../cli/context.ts";

/**
 * `ops probe`: probe and print; writes nothing. `--write` also stores the run (history, roll-up,
 * latest.json), exactly as the probe action does. With `--shard i/N` (the monitor workflow's
 * matrix jobs) it probes only that shard and prints the shard file (JSON) the fan-in job merges.
 */
export async function probeCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {
    shard: {
      type: "string",
      arg: "i/N",
      help: "probe only shard i of N and print the shard file (JSON) the fan-in merges",
    },
    location: {
      type: "string",
      default: "github",
      arg: "LABEL",
      help: "the runner location recorded in the shard file",
    },
    write: {
      type: "boolean",
      default: false,
      help: "store the run (history, roll-up, latest.json), as the probe action does",
    },
  });
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
  const out = await probeRun(runContext(opts, config, deps, redactor), {
    write: values.write === true,
    ...(opts.only && { only: opts.only }),
  });
  for (const e of out.errors) deps.io.err(`error: ${e}\n`);
  const { latest, results } = out.probe;
  deps.io.out(
    opts.json
      ? JSON.stringify({ results, latest }, null, 2) + "\n"
      : fleetTable(latest, { colour: deps.colour === true }) + "\n",
  );
  return 0;
}
