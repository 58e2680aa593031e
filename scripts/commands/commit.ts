import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readLatestForReport } from "../../actions/report/latest-read.ts";
import { runReports } from "../../actions/report/run.ts";
import type { Clock } from "../../actions/shared/clock.ts";
import { formatConfigErrors, loadConfig } from "../../actions/shared/config/load.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { createGit, type Git } from "../../actions/shared/git/exec.ts";
import { commitMessage } from "../../actions/shared/git/message.ts";
import { shouldFlush } from "../../actions/shared/git/flush.ts";
import { dropPending, FLUSHED_TRAILER, parkPending, PENDING_BRANCH, restoredPending, restorePending } from "../../actions/shared/git/pending.ts";
import { safeCommit, type RegenerateContext } from "../../actions/shared/git/safe-commit.ts";
import { Latest } from "../../actions/shared/store/latest-schema.ts";
import { type CliDeps, ExitError, cliLog, common, parse, usage } from "../cli/context.ts";

export interface CommitDeps extends CliDeps {
  /**
   * Rebuilds the generated reports from the data after a rebase brought in another writer's
   * records. Default: the report step of `ops run` (`runReports`) on the rebased work tree.
   */
  regenerate?: (ctx: RegenerateContext & { dataDir: string }) => Promise<void>;
  /** Tests inject git and randomness; default real git in the data directory. */
  git?: Git;
  random?: () => number;
}

const LATEST = "reports/latest.json";

/**
 * `ops commit`: commit what the run wrote (reports/, incidents/) as one bot commit whose message
 * says what changed, and push it with fetch + rebase + retry. Exit 0 when pushed or when nothing
 * changed; 1 with the reason when the push ultimately failed (the job fails loudly).
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
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) throw usage(`--attempts: expected a whole number 1–20, found "${values.attempts}"`);
  const everyMs = parseDuration(String(values["flush-every"]));
  const paths = String(values.paths).split(",").map((p) => p.trim()).filter(Boolean);
  if (paths.length === 0) throw usage("--paths: expected comma-separated paths such as reports,incidents");

  const log = cliLog(deps.io);
  const git = deps.git ?? createGit({ cwd: opts.dataDir, env: { ...deps.env }, redact: gitRedactor(deps.env) });
  const remote = String(values.remote);
  if (values.restore) {
    const restored = await restorePending(git, remote);
    deps.io.out(
      restored.kind === "none"
        ? `no ${PENDING_BRANCH} branch: nothing to restore\n`
        : `${restored.kind} ${PENDING_BRANCH} ${restored.sha}${restored.kind === "restored" && restored.conflicted.length ? ` (regenerated files taken from it: ${restored.conflicted.join(", ")})` : ""}\n`,
    );
    return 0;
  }
  const committed = await committedLatest(git, log);
  const next = await currentLatest(opts.dataDir, log);
  const message = (values.message as string | undefined) ?? commitMessage(committed, next);
  // Only a pending commit this checkout restored may be replaced or deleted (never one it failed to apply).
  const pending = await restoredPending(git);
  const added = (await git(["status", "--porcelain", "--untracked-files=all", "--", ...paths])).stdout
    .split("\n")
    .filter((l) => l.startsWith("??") || l.startsWith("A "))
    .map((l) => l.slice(3));
  const decision = shouldFlush({ committed, next, addedFiles: added, now: opts.clock.now(), everyMs });
  log.info(`commit policy: ${decision.flush ? "flush to the default branch" : `park on ${PENDING_BRANCH}`} (${decision.why})`);

  if (opts.dryRun) {
    const status = await git(["status", "--porcelain", "--", ...paths]);
    const where = decision.flush ? "" : ` (to ${PENDING_BRANCH})`;
    deps.io.out(`would commit as github-actions[bot]${where}: ${message}\n${status.stdout || "(nothing changed)\n"}`);
    return 0;
  }
  if (!decision.flush && values["no-push"] !== true) {
    const parked = await parkPending({ git, paths, message: `ops: pending — ${message.replace(/^ops: /, "")}`, ...(pending && { expected: pending }), remote });
    if (parked.kind === "parked") {
      deps.io.out(`parked ${parked.sha} on ${PENDING_BRANCH}: ${message}\n`);
      return 0;
    }
    if (parked.kind === "unchanged") {
      deps.io.out("nothing to commit\n");
      return 0;
    }
    log.warn(`${PENDING_BRANCH} moved under this run (${parked.detail}); flushing to the default branch instead`);
  }
  try {
    const result = await safeCommit({
      git,
      paths,
      message: pending ? `${message}\n\n${FLUSHED_TRAILER}: ${pending}` : message,
      push: values["no-push"] !== true,
      maxAttempts: attempts,
      remote,
      ...(typeof values.branch === "string" && { branch: values.branch }),
      sleep: (ms) => opts.clock.sleep(ms),
      ...(deps.random && { random: deps.random }),
      regenerate: (ctx: RegenerateContext) => (deps.regenerate ?? regenerateReports(opts.configFile, opts.clock, log, deps.env))({ ...ctx, dataDir: opts.dataDir }),
      log: (line) => log.info(line),
    });
    if (pending && result.kind !== "committed") {
      const failed = await dropPending(git, pending, remote);
      if (failed) log.warn(`could not delete ${PENDING_BRANCH} (${failed}); the next run sees the ${FLUSHED_TRAILER} trailer and skips it`);
    }
    deps.io.out(
      result.kind === "unchanged"
        ? "nothing to commit\n"
        : `${result.kind} ${result.sha}: ${message}${result.kind === "pushed" ? ` (attempts ${result.attempts}, rebases ${result.rebases})` : ""}\n`,
    );
    return 0;
  } catch (error) {
    throw new ExitError(1, `the run's results were not pushed: ${(error as Error).message}`, { cause: error });
  }
}

/** The default regenerate hook: the report step, rerun on the merged data. */
function regenerateReports(configFile: string, clock: Clock, log: ReturnType<typeof cliLog>, env: CliDeps["env"]) {
  return async ({ dataDir }: { dataDir: string }) => {
    const loaded = loadConfig(configFile);
    if (!loaded.ok) {
      log.warn(`cannot regenerate the reports after the rebase (${formatConfigErrors(loaded.errors)}); they keep this run's version until the next run`);
      return;
    }
    const redactor = createRedactor();
    resolveSecrets(loaded.config, env, redactor); // only so that no report can echo a secret
    await runReports({ config: loaded.config, latest: await readLatestForReport(dataDir, log), dataDir, clock, log, redactor });
  };
}

/** "0", "90s", "60m", "1h" → ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw usage(`--flush-every: expected a duration such as 60m or 1h (0 = every run), found "${text}"`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] ?? "ms"] ?? 1;
  return Number(m[1]) * unit;
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

/** latest.json as the last commit has it: the "before" of this run's message. */
async function committedLatest(git: Git, log: ReturnType<typeof cliLog>): Promise<Latest | undefined> {
  const out = await git(["show", `HEAD:./${LATEST}`], { allowFailure: true });
  if (out.code !== 0) return undefined; // first run: nothing committed yet
  return parseLatest(out.stdout, `HEAD:${LATEST}`, log);
}

async function currentLatest(dataDir: string, log: ReturnType<typeof cliLog>): Promise<Latest | undefined> {
  const text = await readFile(join(dataDir, LATEST), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new Error(`cannot read ${LATEST} to describe the commit`, { cause: error });
  });
  return text === undefined ? undefined : parseLatest(text, LATEST, log);
}

function parseLatest(text: string, where: string, log: ReturnType<typeof cliLog>): Latest | undefined {
  try {
    const parsed = Latest.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    log.warn(`${where} does not match the latest.json schema; the commit message will be generic`);
  } catch (error) {
    log.warn(`${where} is not JSON (${(error as Error).message}); the commit message will be generic`);
  }
  return undefined;
}
