/**
 * The rollback as GitHub sees it: a deployment to `production` with statuses (in_progress, then
 * success or failure, with the service's URL), and one comment on the incident issue. A GitHub
 * hiccup here never stops or undoes a rollback: it becomes a note in the record. Re-runs find
 * their deployment and comment again by the run key (payload / hidden marker), never duplicate.
 */
import type { RollbackGitHub } from "./github.ts";
import type { RollbackRecord } from "./record.ts";
import { describeFleet } from "./execute.ts";

export const DEPLOY_ENVIRONMENT = "production";

export interface DeploymentContext {
  github: RollbackGitHub;
  /** Stable across re-runs of one workflow run: "<run id>". */
  runKey: string;
  ref: string;
  environmentUrl?: string;
  logUrl?: string;
  notes: string[];
}

export async function startDeployment(
  ctx: DeploymentContext,
  d: { service: string; from: string[]; to: string; reason: string },
): Promise<number | undefined> {
  try {
    const existing = await ctx.github.findDeployment(DEPLOY_ENVIRONMENT, ctx.runKey);
    const id =
      existing ??
      (await ctx.github.createDeployment({
        ref: ctx.ref,
        environment: DEPLOY_ENVIRONMENT,
        description: `Rollback of ${d.service} to ${d.to}: ${d.reason}`,
        payload: { run: ctx.runKey, service: d.service, from: d.from, to: d.to, reason: d.reason },
      }));
    await ctx.github.setDeploymentStatus(id, {
      state: "in_progress",
      description: `Rolling ${d.service} back to ${d.to}`,
      ...urls(ctx),
    });
    return id;
  } catch (error) {
    ctx.notes.push(`deployment not recorded on GitHub: ${(error as Error).message}`);
    return undefined;
  }
}

export async function finishDeployment(
  ctx: DeploymentContext,
  id: number | undefined,
  record: RollbackRecord,
): Promise<void> {
  if (id === undefined) return;
  try {
    await ctx.github.setDeploymentStatus(id, {
      state: record.outcome === "success" ? "success" : "failure",
      description: record.summary,
      ...urls(ctx),
    });
  } catch (error) {
    ctx.notes.push(`deployment ${id} status not set: ${(error as Error).message}`);
  }
}

export function commentMarker(runKey: string): string {
  return `<!-- hotdash-ops:rollback run=${runKey} -->`;
}

export function incidentComment(record: RollbackRecord, runKey: string): string {
  const icon = record.outcome === "success" ? "✅" : record.outcome === "partial" ? "⚠️" : "❌";
  const lines = [
    commentMarker(runKey),
    `### ${icon} Rollback of ${record.serviceName}: ${record.outcome}`,
    "",
    record.summary,
    "",
    `- **Reason:** ${record.reason}`,
    `- **Dispatched by:** @${record.dispatchedBy}; **approved by:** ${
      record.approvedBy
        .filter((a) => a.state === "approved")
        .map((a) => `@${a.login}`)
        .join(", ") || "unknown"
    }`,
    `- **From:** ${record.from.map((f) => `\`${f}\``).join(", ")} → **to:** \`${record.to}\``,
  ];
  if (record.machines?.length) lines.push(`- **Machines now:** ${describeFleet(record.machines)}`);
  if (record.verification) lines.push(`- **Verification:** ${record.verification.summary}`);
  else if (record.verificationSkipped) lines.push(`- **Verification:** skipped (${record.verificationSkipped})`);
  if (record.run?.url) lines.push(`- **Run:** ${record.run.url}`);
  lines.push(`- **Record:** \`reports/rollbacks/${record.id}.json\``);
  return lines.join("\n");
}

export async function commentOnIncident(ctx: DeploymentContext, record: RollbackRecord): Promise<void> {
  if (!record.incident) return;
  try {
    await ctx.github.upsertComment(record.incident, commentMarker(ctx.runKey), incidentComment(record, ctx.runKey));
  } catch (error) {
    ctx.notes.push(`incident #${record.incident} not commented: ${(error as Error).message}`);
  }
}

function urls(ctx: DeploymentContext): { environmentUrl?: string; logUrl?: string } {
  return {
    ...(ctx.environmentUrl ? { environmentUrl: ctx.environmentUrl } : {}),
    ...(ctx.logUrl ? { logUrl: ctx.logUrl } : {}),
  };
}
