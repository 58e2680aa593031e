import { appendFile } from "node:fs/promises";
import { fleetTable } from "../../actions/probe/table.ts";
import { incidentSummary } from "../../actions/incident/summary.ts";
import { boundMarkdown } from "../../actions/report/summary.ts";
import type { Redactor } from "../../actions/shared/config/secrets.ts";
import { inlineMarkdown } from "../../actions/shared/text/inert.ts";
import type { CliDeps } from "./context.ts";
import type { CycleOutput } from "../../actions/shared/cycle/run.ts";

/**
 * How `ops run` and `ops merge` end: the fleet table and notes on the console, the job summary
 * when running inside Actions (always, bounded under GitHub's 1 MiB), and the exit code. A later
 * step that failed (GitHub refused the incident work, a report crashed) ends the command with 1
 * after everything was stored, so the job turns red instead of passing silently; the workflow's
 * commit step still runs and the next run finishes what was missed. Warnings (a notification that
 * was not delivered) are shown — on stderr, as `::warning::` annotations in Actions, and in the
 * job summary — but do not fail the run.
 */
export async function finishCycle(out: CycleOutput, deps: CliDeps, redactor: Redactor, json: boolean): Promise<number> {
  const { latest, transitions } = out.probe;
  if (json) {
    deps.io.out(
      JSON.stringify({ latest, transitions, notes: out.notes, errors: out.errors, warnings: out.warnings }, null, 2) +
        "\n",
    );
  } else {
    deps.io.out(fleetTable(latest, { colour: deps.colour === true }) + "\n");
    // Offline, every service changes for the same reason, which the notes say once.
    for (const t of transitions)
      deps.io.out(`${t.kind} ${t.id}: ${t.from} → ${t.to}${t.reason && !latest.run.offline ? ` (${t.reason})` : ""}\n`);
    for (const n of out.notes) deps.io.out(`${n}\n`);
  }
  for (const e of out.errors) deps.io.err(`error: ${e}\n`);
  for (const w of out.warnings) deps.io.err(`warning: ${w}\n`);
  // Annotations on the workflow run; the text is one line, scrubbed (GitHub masks secrets too).
  if (deps.env.GITHUB_ACTIONS === "true")
    for (const w of out.warnings) deps.io.out(`::warning::${redactor.scrub(w).replace(/[\r\n]+/g, " ")}\n`);

  const summaryFile = deps.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, jobSummary(out, redactor));
  return out.errors.length ? 1 : 0;
}

export function jobSummary(out: CycleOutput, redactor: Redactor): string {
  const parts = [
    `### Fleet at ${out.probe.latest.updatedAt}\n\n${fleetTable(out.probe.latest)}\n`,
    // Notes and errors may quote a service or GitHub: inert in the summary.
    out.notes.length
      ? out.notes.map((n) => `- ${inlineMarkdown(redactor.scrub(n), { max: 1_000 })}`).join("\n") + "\n"
      : "",
    out.errors.length
      ? `**Errors** (results were stored; the next run finishes what was missed):\n\n${out.errors.map((e) => `- ${inlineMarkdown(redactor.scrub(e), { max: 1_000 })}`).join("\n")}\n`
      : "",
    out.warnings.length
      ? `**Warnings** (the run did not fail for these):\n\n${out.warnings.map((w) => `- ${inlineMarkdown(redactor.scrub(w), { max: 1_000 })}`).join("\n")}\n`
      : "",
    out.incidents ? incidentSummary(out.incidents, (t) => t) : "",
    out.reports?.summary ?? "",
  ];
  return boundMarkdown(redactor.scrub(parts.filter(Boolean).join("\n")));
}
