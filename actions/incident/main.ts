import * as core from "@actions/core";
import { resolve } from "node:path";
import { systemClock } from "../shared/clock.ts";
import { formatConfigErrors, loadConfig } from "../shared/config/load.ts";
import { createRedactor } from "../shared/config/secrets.ts";
import { readLatest, writeLatest } from "../shared/store/latest.ts";
import { runIncidentStep } from "./setup.ts";
import { incidentSummary } from "./summary.ts";

/**
 * Runs the incident step alone on the stored reports/latest.json: reads inputs, builds the clients
 * from the workflow's environment, writes the updated state back, and always writes a summary.
 */
export async function main(): Promise<void> {
  const configFile = resolve(core.getInput("config") || "ops.config.yml");
  const dataDir = resolve(core.getInput("data") || ".");
  const dryRun = core.getInput("dry-run") === "true";
  const loaded = await loadConfig(configFile);
  if (!loaded.ok) throw new Error(`invalid configuration\n${formatConfigErrors(loaded.errors)}`);
  const redactor = createRedactor();
  const token = core.getInput("github-token") || process.env.GITHUB_TOKEN;
  if (token) core.setSecret(token);
  const read = await readLatest(dataDir, systemClock.now(), { info: core.info, warn: core.warning });
  if (read.kind !== "ok") throw new Error(`no usable ${dataDir}/reports/latest.json (${read.kind}); run the probe step first`);
  let summary = "";
  try {
    const result = await runIncidentStep({
      config: loaded.config,
      latest: read.latest,
      env: { ...process.env, ...(token ? { GITHUB_TOKEN: token } : {}) },
      dataDir,
      clock: systemClock,
      dryRun,
      redactor,
      log: (line) => core.info(redactor.scrub(line)),
    });
    if (!dryRun) await writeLatest(dataDir, result.latest);
    summary = incidentSummary(result, redactor.scrub);
    const open = Object.values(result.latest.incidents).filter((i) => i.state === "open");
    core.setOutput("open", open.map((i) => i.subject).join(","));
    core.setOutput("errors", String(result.errors.length));
    for (const e of result.errors) core.warning(e);
  } finally {
    await core.summary.addRaw(summary || "### Incidents\n\nThe incident step failed before it finished; see the log.\n").write();
  }
}
