import * as core from "@actions/core";
import { resolve } from "node:path";
import { systemClock } from "../shared/clock.ts";
import { formatConfigErrors, loadConfig } from "../shared/config/load.ts";
import { createRedactor } from "../shared/config/secrets.ts";
import { runProbeStep } from "./step.ts";
import { fleetTable } from "./table.ts";

/** Reads the action's inputs, runs the probe step, and reports through @actions/core. */
export async function main(): Promise<void> {
  const configFile = resolve(core.getInput("config") || "ops.config.yml");
  const loaded = await loadConfig(configFile);
  if (!loaded.ok) throw new Error(`invalid configuration\n${formatConfigErrors(loaded.errors)}`);
  const only = core.getInput("only");
  const redactor = createRedactor();
  const out = await runProbeStep({
    config: loaded.config,
    dataDir: resolve(core.getInput("data") || "."),
    clock: systemClock,
    env: process.env,
    redactor,
    log: { info: core.info, warn: core.warning },
    write: core.getInput("write") !== "false",
    ...(only && { only: only.split(",").map((s) => s.trim()).filter(Boolean) }),
  });
  const ids = (status: string) => Object.values(out.latest.services).filter((s) => s.status === status).map((s) => s.id).join(",");
  core.setOutput("down", ids("down"));
  core.setOutput("degraded", ids("degraded"));
  core.setOutput("transitions", JSON.stringify(out.transitions));
  const table = redactor.scrub(fleetTable(out.latest));
  core.info(table);
  await core.summary.addHeading("Probe results", 3).addRaw(`\n${table}\n`).write();
}
