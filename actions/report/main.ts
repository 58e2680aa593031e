import * as core from "@actions/core";
import { resolve } from "node:path";
import { systemClock } from "../shared/clock.ts";
import { formatConfigErrors, loadConfig } from "../shared/config/load.ts";
import { createRedactor, resolveSecrets } from "../shared/config/secrets.ts";
import { compactHistory } from "../shared/store/rollup.ts";
import { readLatestForReport } from "./latest-read.ts";
import { runReports } from "./run.ts";
import { boundMarkdown } from "./summary.ts";

/** Reads the action's inputs, compacts the history, writes the reports, and fills the job summary. */
export async function main(): Promise<void> {
  const redactor = createRedactor();
  let summary = "";
  try {
    const configFile = resolve(core.getInput("config") || "ops.config.yml");
    const loaded = await loadConfig(configFile);
    if (!loaded.ok) throw new Error(`invalid configuration in ${configFile}\n${formatConfigErrors(loaded.errors)}`);
    const config = loaded.config;
    const dataDir = resolve(core.getInput("data") || ".");
    const log = { info: core.info, warn: core.warning };
    // Only to learn the secret values, so that no report can ever echo one.
    resolveSecrets(config, process.env, redactor);
    await compactHistory({ dataDir, config, now: systemClock.now(), log });
    const latest = await readLatestForReport(dataDir, log);
    const out = await runReports({ config, latest, dataDir, clock: systemClock, log, redactor, force: core.getInput("force") === "true" });
    summary = out.summary;
    core.setOutput("written", JSON.stringify(out.written));
    core.setOutput("alerts", JSON.stringify(out.alerts));
  } catch (e) {
    summary = `### Reports were not generated\n\n\`\`\`text\n${redactor.scrub(e instanceof Error ? e.message : String(e))}\n\`\`\`\n`;
    throw e;
  } finally {
    // Always written, and always below GitHub's 1 MiB limit.
    await core.summary.addRaw(boundMarkdown(summary)).write();
  }
}
