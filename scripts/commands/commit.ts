import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { createGit, type Git } from "../../actions/shared/git/exec.ts";
import { commitMessage } from "../../actions/shared/git/message.ts";
import { safeCommit, type RegenerateContext } from "../../actions/shared/git/safe-commit.ts";
import { Latest } from "../../actions/shared/store/latest-schema.ts";
import { type CliDeps, ExitError, cliLog, common, parse, usage } from "../cli/context.ts";

export interface CommitDeps extends CliDeps {
  /**
   * Rebuilds the generated reports from the data after a rebase brought in another writer's
   * records (the report step of `ops run`). Without it, generated files keep this run's version.
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
    paths: { type: "string", default: "reports,incidents" },
    message: { type: "string" },
    "no-push": { type: "boolean", default: false },
    attempts: { type: "string", default: "6" },
    remote: { type: "string", default: "origin" },
    branch: { type: "string" },
  });
  const opts = common(values, deps);
  const attempts = Number(values.attempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) throw usage(`--attempts: expected a whole number 1–20, found "${values.attempts}"`);
  const paths = String(values.paths).split(",").map((p) => p.trim()).filter(Boolean);
  if (paths.length === 0) throw usage("--paths: expected comma-separated paths such as reports,incidents");

  const log = cliLog(deps.io);
  const git = deps.git ?? createGit({ cwd: opts.dataDir, env: { ...deps.env }, redact: gitRedactor(deps.env) });
  const message = (values.message as string | undefined) ?? commitMessage(await committedLatest(git, log), await currentLatest(opts.dataDir, log));

  if (opts.dryRun) {
    const status = await git(["status", "--porcelain", "--", ...paths]);
    deps.io.out(`would commit as github-actions[bot]: ${message}\n${status.stdout || "(nothing changed)\n"}`);
    return 0;
  }
  try {
    const result = await safeCommit({
      git,
      paths,
      message,
      push: values["no-push"] !== true,
      maxAttempts: attempts,
      remote: String(values.remote),
      ...(typeof values.branch === "string" && { branch: values.branch }),
      sleep: (ms) => opts.clock.sleep(ms),
      ...(deps.random && { random: deps.random }),
      ...(deps.regenerate && { regenerate: (ctx: RegenerateContext) => deps.regenerate!({ ...ctx, dataDir: opts.dataDir }) }),
      log: (line) => log.info(line),
    });
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
