import * as core from "@actions/core";
import { contextFromInputs } from "../shared/cycle/inputs.ts";
import { probeRun } from "../shared/cycle/run.ts";
import { fleetTable } from "./table.ts";

/** Reads the action's inputs and runs the pipeline's probe part: preflight → probe → evaluate → store. */
export async function main(): Promise<void> {
  const ctx = contextFromInputs(core.getInput, { info: core.info, warn: core.warning }, process.env);
  const only = core.getInput("only");
  const out = await probeRun(ctx, {
    write: core.getInput("write") !== "false",
    ...(only && {
      only: only
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    }),
  });
  const { latest, transitions } = out.probe;
  const ids = (status: string) =>
    Object.values(latest.services)
      .filter((s) => s.status === status)
      .map((s) => s.id)
      .join(",");
  core.setOutput("down", ids("down"));
  core.setOutput("degraded", ids("degraded"));
  core.setOutput("transitions", JSON.stringify(transitions));
  for (const e of out.errors) core.warning(e);
  const table = ctx.redactor.scrub(fleetTable(latest));
  core.info(table);
  await core.summary.addHeading("Probe results", 3).addRaw(`\n${table}\n`).write();
}
