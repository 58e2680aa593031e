import { fleetTable } from "../../actions/probe/table.ts";
import { checkOnly, loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, parse } from "../cli/context.ts";
import { runCycle } from "../cli/cycle.ts";

/** `ops run`: probe, evaluate, store, then incidents and reports. Exit 0 whatever the services' state. */
export async function runCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  checkOnly(config, opts.only);
  const log = cliLog(deps.io);
  const out = await runCycle({
    config,
    dataDir: opts.dataDir,
    clock: opts.clock,
    runAt: opts.runAt,
    env: deps.env,
    log,
    dryRun: opts.dryRun,
    ...(opts.only && { only: opts.only }),
  });
  if (opts.json) {
    deps.io.out(JSON.stringify({ latest: out.probe.latest, transitions: out.probe.transitions, notes: out.notes }, null, 2) + "\n");
  } else {
    deps.io.out(fleetTable(out.probe.latest) + "\n");
    // Offline, every service changes for the same reason, which the notes say once.
    const offline = out.probe.latest.run.offline;
    for (const t of out.probe.transitions) deps.io.out(`${t.kind} ${t.id}: ${t.from} → ${t.to}${t.reason && !offline ? ` (${t.reason})` : ""}\n`);
    for (const e of out.errors) deps.io.err(`error: ${e}\n`);
    for (const n of out.notes) deps.io.out(`${n}\n`);
  }
  return 0;
}
