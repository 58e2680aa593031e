import * as core from "@actions/core";
import { resolve } from "node:path";
import { systemClock } from "../shared/clock.ts";
import { formatConfigErrors, loadConfig } from "../shared/config/load.ts";
import { createRedactor, resolveSecrets } from "../shared/config/secrets.ts";
import { compactHistory } from "../shared/store/rollup.ts";
import { readLatestForReport } from "./latest-read.ts";
import { runReports } from "./run.ts";

/** Reads the action's inputs, compacts the history, writes the reports, and fills the job summary. */
export async function main(): Promise<void> {
  const configFile = resolve(core.getInput("config") || "ops.config.yml");
  const loaded = await loadConfig(configFile);
  if (!loaded.ok) throw new Error(`invalid configuration in ${configFile}\n${formatConfigErrors(loaded.errors)}`);
  const config = loaded.config;
  const dataDir = resolve(core.getInput("data") || ".");
  const log = { info: core.info, warn: core.warning };
  // Only to learn the secret values, so that no report can ever echo one.
  const redactor = createRedactor();
  resolveSecrets(config, process.env, redactor);
  let summary = "";
  try {
    await compactHistory({ dataDir, config, now: systemClock.now(), log });
    const out = await runReports({ config, latest: await readLatestForReport(dataDir, log), dataDir, clock: systemClock, log, redactor, force: core.getInput("force") === "true" });
    summary = out.summary;
    core.setOutput("written", JSON.stringify(out.written));
    core.setOutput("alerts", JSON.stringify(out.alerts));
  } finally {
    // The summary is written whatever happened, and is already bounded below 1 MiB.
    await core.summary.addRaw(summary || "Reports were not generated; see the log for the error.\n").write();
  }
}
