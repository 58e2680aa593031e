import * as core from "@actions/core";
import { createRedactor, resolveSecrets } from "../shared/config/secrets.ts";
import { contextFromInputs } from "../shared/cycle/inputs.ts";
import { reportsRun } from "../shared/cycle/run.ts";
import { boundMarkdown } from "./summary.ts";

/** Reads the action's inputs and runs the pipeline's report part, as `ops report` does; always fills the job summary. */
export async function main(): Promise<void> {
  let scrub = createRedactor().scrub;
  let summary = "";
  try {
    const ctx = contextFromInputs(core.getInput, { info: core.info, warn: core.warning }, process.env);
    scrub = ctx.redactor.scrub;
    // Only to learn the secret values, so that no report can ever echo one.
    resolveSecrets(ctx.config, process.env, ctx.redactor);
    const out = await reportsRun(ctx, { force: core.getInput("force") === "true" });
    summary = out.summary;
    core.setOutput("written", JSON.stringify(out.written));
    core.setOutput("alerts", JSON.stringify(out.alerts));
  } catch (e) {
    summary = `### Reports were not generated\n\n\`\`\`text\n${scrub(e instanceof Error ? e.message : String(e))}\n\`\`\`\n`;
    throw e;
  } finally {
    // Always written, and always below GitHub's 1 MiB limit.
    await core.summary.addRaw(boundMarkdown(summary)).write();
  }
}
