import { loadConfig, formatConfigErrors } from "../../actions/shared/config/load.ts";
import { parseDuration } from "../../actions/shared/config/schema/units.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { reportsRun } from "../../actions/shared/cycle/run.ts";
import { commitRun, restoreRun } from "../../actions/shared/git/commit-run.ts";
import { createGit, type Git } from "../../actions/shared/git/exec.ts";
import { PENDING_BRANCH } from "../../actions/shared/git/pending.ts";
import type { RegenerateContext } from "../../actions/shared/git/safe-commit.ts";
import { type CliDeps, type Common, ExitError, cliLog, common, parse, usage } from "../cli/context.ts";

export interface CommitDeps extends CliDeps {
  /**
   * Rebuilds the generated reports from the data after a rebase brought in another writer's
   * records. Default: the pipeline's report step on the rebased work tree.
   */
  regenerate?: (ctx: RegenerateContext & { dataDir: string }) => Promise<void>;
  /** Tests inject git and randomness; default real git in the data directory. */
  git?: Git;
  random?: () => number;
}

/**
 * `ops commit`: the pipeline's commit policy (actions/shared/git/commit-run.ts) from the command
 * line. Exit 0 when pushed, parked or when nothing changed; 1 with the reason when the push
 * ultimately failed (the job fails loudly).
 */
export async function commitCommand(argv: string[], deps: CommitDeps): Promise<number> {
  const { values } = parse(argv, {
    // README.md: the report step writes its status section (see .gitattributes: ops-merge=upstream).
    paths: { type: "string", default: "reports,incidents,README.md" },
    message: { type: "string" },
    "no-push": { type: "boolean", default: false },
    attempts: { type: "string", default: "6" },
    remote: { type: "string", default: "origin" },
    branch: { type: "string" },
    restore: { type: "boolean", default: false },
    "flush-every": { type: "string", default: "0" },
  });
  const opts = common(values, deps);
  const attempts = Number(values.attempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20)
    throw usage(`--attempts: expected a whole number 1–20, found "${values.attempts}"`);
  let flushEveryMs: number;
  try {
    flushEveryMs = parseDuration(String(values["flush-every"]));
  } catch {
    throw usage(
      `--flush-every: expected a duration such as 60m or 1h (0 = every run), found "${values["flush-every"]}"`,
    );
  }
  const paths = String(values.paths)
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (paths.length === 0) throw usage("--paths: expected comma-separated paths such as reports,incidents");

  const log = cliLog(deps.io);
  const git = deps.git ?? createGit({ cwd: opts.dataDir, env: { ...deps.env }, redact: gitRedactor(deps.env) });
  const remote = String(values.remote);
  if (values.restore) {
    const restored = await restoreRun(git, remote);
    deps.io.out(
      restored.kind === "none"
        ? `no ${PENDING_BRANCH} branch: nothing to restore\n`
        : `${restored.kind} ${PENDING_BRANCH} ${restored.sha}${restored.kind === "restored" && restored.conflicted.length ? ` (regenerated files taken from it: ${restored.conflicted.join(", ")})` : ""}\n`,
    );
    return 0;
  }
  try {
    const outcome = await commitRun({
      git,
      dataDir: opts.dataDir,
      paths,
      ...(typeof values.message === "string" && { message: values.message }),
      push: values["no-push"] !== true,
      maxAttempts: attempts,
      remote,
      ...(typeof values.branch === "string" && { branch: values.branch }),
      flushEveryMs,
      now: opts.clock.now(),
      sleep: (ms) => opts.clock.sleep(ms),
      ...(deps.random && { random: deps.random }),
      regenerate: (ctx) => (deps.regenerate ?? regenerateReports(opts, deps))({ ...ctx, dataDir: opts.dataDir }),
      dryRun: opts.dryRun,
      log,
    });
    switch (outcome.kind) {
      case "dry-run":
        deps.io.out(
          `would commit as github-actions[bot]${outcome.pending ? ` (to ${PENDING_BRANCH})` : ""}: ${outcome.message}\n${outcome.status || "(nothing changed)\n"}`,
        );
        break;
      case "parked":
        deps.io.out(`parked ${outcome.sha} on ${PENDING_BRANCH}: ${outcome.message}\n`);
        break;
      case "unchanged":
        deps.io.out("nothing to commit\n");
        break;
      default:
        deps.io.out(
          `${outcome.kind} ${outcome.sha}: ${outcome.message}${outcome.kind === "pushed" ? ` (attempts ${outcome.attempts}, rebases ${outcome.rebases})` : ""}\n`,
        );
    }
    return 0;
  } catch (error) {
    if (error instanceof ExitError) throw error;
    throw new ExitError(1, `the run's results were not pushed: ${(error as Error).message}`, { cause: error });
  }
}

/** The default regenerate hook: the pipeline's report step, rerun on the merged data at the run's time. */
function regenerateReports(opts: Common, deps: CliDeps) {
  const log = cliLog(deps.io);
  return async ({ dataDir }: { dataDir: string }) => {
    const loaded = loadConfig(opts.configFile);
    if (!loaded.ok) {
      log.warn(
        `cannot regenerate the reports after the rebase (${formatConfigErrors(loaded.errors)}); they keep this run's version until the next run`,
      );
      return;
    }
    const redactor = createRedactor();
    resolveSecrets(loaded.config, deps.env, redactor); // only so that no report can echo a secret
    await reportsRun({
      config: loaded.config,
      dataDir,
      runAt: opts.clock.now(),
      clock: opts.clock,
      env: deps.env,
      log,
      redactor,
      dryRun: false,
    });
  };
}

/** git may echo a remote URL; a token can sit in it (as userinfo) or come from the environment. */
export function gitRedactor(env: CliDeps["env"]): (text: string) => string {
  const redactor = createRedactor();
  for (const name of ["GITHUB_TOKEN", "GH_TOKEN", "OPS_PUSH_TOKEN"]) {
    const value = env[name];
    if (value) redactor.add(value);
  }
  return (text) => redactor.scrub(text).replace(/(\w+:\/\/)[^@/\s]+@/g, "$1***@");
}
