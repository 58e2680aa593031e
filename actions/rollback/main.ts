import * as core from "@actions/core";
import { resolve } from "node:path";
import { systemClock } from "../shared/clock.ts";
import { loadConfigOrThrow } from "../shared/config/load.ts";
import { parseDuration } from "../shared/config/schema/units.ts";
import { createRedactor } from "../shared/config/secrets.ts";
import { createGit } from "../shared/git/exec.ts";
import { safeCommit } from "../shared/git/safe-commit.ts";
import { createOctokit } from "../shared/github/client.ts";
import { parseRepository } from "../shared/github/types.ts";
import { createRollbackGitHub, type OctokitRequest } from "./github.ts";
import { parseRollbackInputs } from "./inputs.ts";
import { planOnly, runRollback } from "./step.ts";
import { bound, renderRollbackMarkdown } from "./summary.ts";

/**
 * Reads the action's inputs and the runner's environment, builds the real clients, and runs the
 * plan or apply phase. The job summary is always written, also when the rollback fails.
 */
export async function main(): Promise<void> {
  const redactor = createRedactor();
  let summaryWritten = false;
  const writeSummary = async (markdown: string) => {
    await core.summary.addRaw(bound(redactor.scrub(markdown))).write();
    summaryWritten = true;
  };
  const githubToken = core.getInput("github-token");
  redactor.add(githubToken);
  try {
    const request = parseRollbackInputs({
      service: core.getInput("service"),
      target: core.getInput("target"),
      reason: core.getInput("reason"),
      incident: core.getInput("incident"),
      dry_run: core.getInput("dry_run"),
    });
    const { config } = loadConfigOrThrow(resolve(core.getInput("config") || "ops.config.yml"));
    const phase = core.getInput("phase");

    if (phase === "plan") {
      const lines = planOnly(config, request);
      for (const line of lines) core.info(line);
      core.setOutput("outcome", "planned");
      await writeSummary(
        `## 📝 Rollback plan for \`${request.service}\`\n\n${lines.map((l) => `- ${l}`).join("\n")}\n\nReason: ${request.reason}\n`,
      );
      return;
    }
    if (phase !== "apply") throw new Error(`input "phase": expected "plan" or "apply", found "${phase}"`);

    const env = process.env;
    const repository = env.GITHUB_REPOSITORY ?? "";
    const runId = Number(env.GITHUB_RUN_ID);
    const dataDir = resolve(core.getInput("data") || ".");
    // A dry run writes nothing to GitHub, so it needs no token (and may run locally without one).
    const github =
      request.dryRun || !githubToken
        ? undefined
        : createRollbackGitHub(
            createOctokit({
              token: githubToken,
              repository,
              ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
              log: core.info,
            }).request as unknown as OctokitRequest,
            parseRepository(repository),
          );
    if (!github && !request.dryRun)
      core.warning("github-token is empty: no deployment, no approvals in the record, no incident comment");
    const git = createGit({ cwd: dataDir, redact: (t) => redactor.scrub(t) });
    const record = await runRollback({
      config,
      request,
      env,
      clock: systemClock,
      redactor,
      log: (line) => core.info(redactor.scrub(line)),
      dataDir,
      actor: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || "unknown",
      ...(Number.isInteger(runId) && runId > 0
        ? {
            run: {
              id: runId,
              attempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
              url: `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${repository}/actions/runs/${runId}`,
            },
          }
        : {}),
      ...(env.GITHUB_SHA ? { ref: env.GITHUB_SHA } : {}),
      ...(github ? { github } : {}),
      commit: async (paths, message) => {
        await safeCommit({ git, paths, message, sleep: (ms) => systemClock.sleep(ms), log: core.info });
      },
      timeouts: {
        verifyMs: parseDuration(core.getInput("verify-timeout") || "5m"),
        rolloutBudgetMs: parseDuration(core.getInput("rollout-budget") || "35m"),
      },
    });
    core.setOutput("outcome", record.outcome);
    core.setOutput("record", `reports/rollbacks/${record.id}.json`);
    await writeSummary(renderRollbackMarkdown(record));
    if (record.outcome !== "success" && record.outcome !== "dry-run") throw new Error(record.summary);
  } catch (error) {
    const message = redactor.scrub(error instanceof Error ? error.message : String(error));
    if (!summaryWritten) await writeSummary(`## ❌ Rollback failed\n\n${message}\n`);
    throw new Error(message, { cause: error });
  }
}
