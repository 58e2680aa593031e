import { loadConfigOrExit } from "../cli/config.ts";
import { cliLog, common, parse, usage, type CliDeps, ExitError } from "../cli/context.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { parseDuration } from "../../actions/shared/config/schema/units.ts";
import { createGit } from "../../actions/shared/git/exec.ts";
import { safeCommit } from "../../actions/shared/git/safe-commit.ts";
import { createOctokit } from "../../actions/shared/github/client.ts";
import { parseRepository } from "../../actions/shared/github/types.ts";
import { createRollbackGitHub, type OctokitRequest, type RollbackGitHub } from "../../actions/rollback/github.ts";
import { InputError, parseRollbackInputs } from "../../actions/rollback/inputs.ts";
import { FlyApiError } from "../../actions/rollback/fly.ts";
import { NotStartedError, runRollback, type RollbackDeps } from "../../actions/rollback/step.ts";
import { renderRollbackMarkdown } from "../../actions/rollback/summary.ts";

/** Exit code when the rollback ran but did not end in success (failure or a split fleet). */
export const EXIT_NOT_ROLLED_BACK = 3;

/**
 * `ops rollback <service> --reason "…" [--target v42|image] [--incident N] [--dry-run] [--commit]`:
 * the workflow's rollback from a terminal (FLY_API_TOKEN from the environment). With
 * GITHUB_TOKEN + GITHUB_REPOSITORY it also records the deployment and comments on the incident;
 * with --commit the audit record is committed and pushed through the shared safe-commit path.
 * Exit: 0 rolled back (or dry run), 2 bad input or config or a missing credential (FLY_API_TOKEN),
 * 3 not rolled back, 1 internal failure.
 */
export async function rollbackCommand(
  argv: string[],
  deps: CliDeps,
  extra: Partial<RollbackDeps> = {},
): Promise<number> {
  const { values, positionals } = parse(argv, {
    target: { type: "string" },
    reason: { type: "string" },
    incident: { type: "string" },
    commit: { type: "boolean", default: false },
    "verify-timeout": { type: "string", default: "5m" },
  });
  const opts = common(values, deps);
  if (positionals.length !== 1)
    throw usage(`rollback: expected one service id, found ${positionals.length ? positionals.join(" ") : "none"}`);
  let request;
  let verifyMs: number;
  try {
    request = parseRollbackInputs({
      service: positionals[0],
      target: values.target as string | undefined,
      reason: values.reason as string | undefined,
      incident: values.incident as string | undefined,
      dry_run: opts.dryRun ? "true" : "false",
    });
    verifyMs = parseDuration(values["verify-timeout"] as string);
  } catch (error) {
    throw new ExitError(2, cliWords((error as Error).message), { cause: error });
  }
  const config = await loadConfigOrExit(opts.configFile);
  const redactor = createRedactor();
  const log = cliLog(deps.io);
  const token = deps.env.GITHUB_TOKEN ?? "";
  redactor.add(token);
  let github: RollbackGitHub | undefined;
  if (token && deps.env.GITHUB_REPOSITORY && !request.dryRun) {
    const repo = parseRepository(deps.env.GITHUB_REPOSITORY);
    const octokit = createOctokit({
      token,
      repository: deps.env.GITHUB_REPOSITORY,
      ...(deps.env.GITHUB_API_URL ? { apiUrl: deps.env.GITHUB_API_URL } : {}),
      log: log.info,
    });
    github = createRollbackGitHub(octokit.request as unknown as OctokitRequest, repo);
  }
  const git = createGit({ cwd: opts.dataDir, redact: (t) => redactor.scrub(t) });

  let record;
  try {
    record = await runRollback({
      config,
      request,
      env: deps.env,
      clock: opts.clock,
      redactor,
      log: (line) => log.info(redactor.scrub(line)),
      dataDir: opts.dataDir,
      actor: deps.env.GITHUB_ACTOR || deps.env.USER || "unknown",
      ...(github ? { github } : {}),
      ...(values.commit
        ? {
            commit: async (paths: string[], message: string) =>
              void (await safeCommit({ git, paths, message, sleep: (ms) => opts.clock.sleep(ms), log: log.info })),
          }
        : {}),
      timeouts: { verifyMs },
      ...extra,
    });
  } catch (error) {
    if (error instanceof InputError) throw new ExitError(2, cliWords(error.message), { cause: error });
    // A missing deploy token is a usage problem (set the secret), like a missing input: exit 2.
    if (error instanceof NotStartedError) throw new ExitError(2, `not rolled back: ${error.message}`, { cause: error });
    // Not a bug either: an API that refused; say so without a stack trace.
    if (error instanceof FlyApiError) throw new ExitError(1, `not rolled back: ${error.message}`, { cause: error });
    throw error;
  }
  deps.io.out(
    opts.json ? `${JSON.stringify(record, null, 2)}\n` : `${redactor.scrub(renderRollbackMarkdown(record))}\n`,
  );
  return record.outcome === "success" || record.outcome === "dry-run" ? 0 : EXIT_NOT_ROLLED_BACK;
}

/** The workflow's input names, in this command's words. */
function cliWords(message: string): string {
  return message
    .replace(/input "service"/g, "<service>")
    .replace(/input "(\w+)"/g, (_, name: string) => `--${name.replace("_", "-")}`);
}
