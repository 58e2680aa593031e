import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { fleetTable } from "../../actions/probe/table.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { type CliDeps, cliLog, common, parse } from "../cli/context.ts";
import { runCycle } from "../cli/cycle.ts";
import { demoConfig, demoEnv } from "../demo/config.ts";
import { startFleet } from "../demo/fleet.ts";

/**
 * `ops demo` (what `npm start` runs): a simulated HotDash fleet on loopback — healthy services, one
 * slow (degraded), one failing (down), the MCP group with one member down — and the full cycle
 * against it, into a scratch data directory (`.demo/` unless --data is given). No token, no internet.
 */
export async function demoCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const dataDir = values.data ? opts.dataDir : resolve(deps.cwd, ".demo");
  await rm(dataDir, { recursive: true, force: true });
  const fleet = await startFleet();
  try {
    const config = OpsConfig.parse(demoConfig(fleet));
    deps.io.out(`Demo: ${fleet.services.size} simulated services on 127.0.0.1; data in ${dataDir}\n\n`);
    const out = await runCycle({
      config,
      dataDir,
      clock: opts.clock,
      env: demoEnv(fleet),
      log: cliLog(deps.io),
      dryRun: true,
    });
    deps.io.out(fleetTable(out.probe.latest) + "\n\n");
    for (const t of out.probe.transitions.filter((t) => t.to !== "up")) deps.io.out(`${t.kind} ${t.id}: ${t.to} — ${t.reason}\n`);
    for (const n of out.notes) deps.io.out(`${n}\n`);
    deps.io.out(`\nWrote ${dataDir}/reports/latest.json and the run's history (${out.probe.historyBytes} bytes).\n`);
    return 0;
  } finally {
    await fleet.close();
  }
}
