import { planRun } from "../../actions/shared/shard.ts";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, parse } from "../cli/context.ts";

/**
 * `ops plan`: the monitor workflow's first step. Prints `key=value` lines for $GITHUB_OUTPUT:
 * whether this run fans out, and the matrix (shards × locations) if it does. Everything comes from
 * the config (`shards`, `consensus.locations`), so the workflow file never needs editing.
 */
export async function planCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile);
  const plan = planRun({
    shards: config.shards,
    services: config.services.length,
    locations: config.consensus.locations,
  });
  deps.io.out(
    `sharded=${plan.sharded}\nshards=${JSON.stringify(plan.shards)}\nlocations=${JSON.stringify(plan.locations)}\n`,
  );
  if (plan.sharded) deps.io.err(`fan-out: ${plan.shards.length} shard(s) × ${plan.locations.length} location(s)\n`);
  return 0;
}
