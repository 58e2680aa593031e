/**
 * The rollback as Markdown: the job summary and the committed record's .md are the same text, so
 * what people read in the run is what stays in the repository. Always bounded (GitHub refuses job
 * summaries over 1 MiB).
 */
import { inlineMarkdown } from "../shared/text/inert.ts";
import type { RollbackRecord } from "./record.ts";
import { describeFleet } from "./execute.ts";
import { describeTarget } from "./plan.ts";

const ICON: Record<RollbackRecord["outcome"], string> = {
  success: "✅",
  failure: "❌",
  partial: "⚠️",
  "dry-run": "📝",
  planned: "📝",
};

export const SUMMARY_LIMIT_BYTES = 900_000;

/** Reasons, Fly API errors and probe reasons are other systems' words: inert, bounded. */
const cell = (s: string) => inlineMarkdown(s, { max: 1_000 });
const seconds = (ms: number | undefined) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(1)} s`);

export function renderRollbackMarkdown(r: RollbackRecord): string {
  const lines: string[] = [
    `## ${ICON[r.outcome]} Rollback of ${r.serviceName} (\`${r.service}\`): ${r.outcome}`,
    "",
    r.summary,
    "",
    "| | |",
    "|---|---|",
    `| Reason | ${cell(r.reason)} |`,
    `| Dispatched by | @${cell(r.dispatchedBy)} |`,
    `| Approved by | ${r.approvedBy.length ? r.approvedBy.map((a) => `@${a.login} (${a.state}${a.comment ? `: ${cell(a.comment)}` : ""})`).join(", ") : r.approvalsError ? `unknown (${cell(r.approvalsError)})` : "—"} |`,
    `| Provider | ${r.provider}${r.app ? ` (app \`${r.app}\`)` : ""} |`,
    `| From | ${r.from.map((f) => `\`${f}\``).join(", ") || "—"} |`,
    `| To | \`${r.to}\` (${cell(describeTarget(r.target))}) |`,
  ];
  if (r.incident) lines.push(`| Incident | #${r.incident} |`);
  if (r.run)
    lines.push(
      `| Run | ${r.run.url ? `[${r.run.id} attempt ${r.run.attempt}](${r.run.url})` : `${r.run.id} attempt ${r.run.attempt}`} |`,
    );
  if (r.deployment) lines.push(`| Deployment | ${r.deployment.id} |`);
  lines.push(
    `| Timings | rollout ${seconds(r.timings.rolloutMs)}, verification ${seconds(r.timings.verifyMs)}, total ${seconds(r.timings.totalMs)} |`,
    "",
  );

  if (r.plan.length) lines.push("### Plan", "", "```", ...r.plan, "```", "");

  if (r.machines?.length) {
    lines.push(
      "### Machines",
      "",
      `Now: ${describeFleet(r.machines)}.`,
      "",
      "| Machine | Region | Result | Runs now | State | Before | Time | Error |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const m of r.machines) {
      lines.push(
        `| \`${m.machineId}\` | ${m.region} | ${m.status} | \`${m.runningImage}\` | ${m.state} | \`${m.fromImage}\` | ${seconds(m.durationMs)} | ${m.error ? cell(m.error) : ""} |`,
      );
    }
    lines.push("");
  }
  if (r.command) {
    const c = r.command;
    lines.push(
      "### Command",
      "",
      "```",
      c.argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" "),
      "```",
      "",
    );
    lines.push(
      `Exit: ${c.exitCode ?? c.signal ?? "none"}${c.error ? ` — ${cell(c.error)}` : ""} (${seconds(c.durationMs)})`,
      "",
    );
    if (c.stderr.trim())
      lines.push("<details><summary>stderr (last part)</summary>", "", "```", c.stderr.trim(), "```", "</details>", "");
  }
  if (r.verification) {
    const v = r.verification;
    lines.push(
      "### Verification",
      "",
      `${v.healthy ? "✅" : "❌"} ${v.summary} (${seconds(v.durationMs)})`,
      "",
      "| At | Status | Success | p95 | Reason |",
      "|---|---|---|---|---|",
    );
    for (const x of v.rounds.slice(-40))
      lines.push(`| ${x.at} | ${x.status} | ${x.successRate}% | ${x.p95 ?? "—"} | ${cell(x.reason)} |`);
    lines.push("");
  } else if (r.verificationSkipped) {
    lines.push("### Verification", "", `Skipped: ${r.verificationSkipped}`, "");
  }
  if (r.notes.length) lines.push("### Notes", "", ...r.notes.map((n) => `- ${cell(n)}`), "");
  return bound(lines.join("\n"));
}

export function bound(text: string, limit = SUMMARY_LIMIT_BYTES): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const note = "\n\n… (cut to stay under GitHub's 1 MiB summary limit; the committed JSON record is complete)\n";
  let cut = text.slice(0, limit - note.length);
  while (Buffer.byteLength(cut) > limit - note.length) cut = cut.slice(0, -1024);
  return cut + note;
}
