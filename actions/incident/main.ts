import * as core from "@actions/core";
import { resolveSecrets } from "../shared/config/secrets.ts";
import { contextFromInputs } from "../shared/cycle/inputs.ts";
import { incidentsRun } from "../shared/cycle/run.ts";
import { incidentSummary } from "./summary.ts";

/**
 * Runs the incident step alone on the stored reports/latest.json, as `ops incidents` does: reads
 * inputs, builds the clients from the workflow's environment, writes the updated state back, and
 * always writes a summary.
 */
export async function main(): Promise<void> {
  const token = core.getInput("github-token") || process.env.GITHUB_TOKEN;
  if (token) core.setSecret(token);
  let summary = "";
  try {
    const env = { ...process.env, ...(token ? { GITHUB_TOKEN: token } : {}) };
    const ctx = contextFromInputs(core.getInput, { info: core.info, warn: core.warning }, env);
    // Registers every secret value the config refers to, so none can leak into issues or output.
    resolveSecrets(ctx.config, env, ctx.redactor);
    const run = await incidentsRun(ctx);
    if (run.kind === "no-state")
      throw new Error(`no usable ${ctx.dataDir}/reports/latest.json (${run.problem}); run the probe step first`);
    const result = run.value;
    summary = incidentSummary(result, ctx.redactor.scrub);
    const open = Object.values(result.latest.incidents).filter((i) => i.state === "open");
    core.setOutput("open", open.map((i) => i.subject).join(","));
    core.setOutput("errors", String(result.errors.length));
    for (const e of [...result.errors, ...result.warnings]) core.warning(e);
  } finally {
    await core.summary
      .addRaw(summary || "### Incidents\n\nThe incident step failed before it finished; see the log.\n")
      .write();
  }
}
