import { GitError, lastLines, type Git } from "./exec.ts";
import { backoffDelay, classifyPushFailure, type PushFailure } from "./push-errors.ts";
import { rebaseOnto } from "./rebase.ts";

export interface Identity {
  name: string;
  email: string;
}

/** The identity GitHub shows with the Actions avatar; its noreply address links commits to the bot. */
export const BOT_IDENTITY: Identity = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
};

export interface RegenerateContext {
  /** Files that conflicted in the rebase and were resolved to this run's version (generated files only). */
  conflicted: string[];
  attempt: number;
}

export interface SafeCommitOptions {
  git: Git;
  /** Pathspecs this run may stage (e.g. reports, incidents). Nothing outside them is committed. */
  paths: readonly string[];
  message: string;
  identity?: Identity;
  remote?: string;
  /** Branch to push to; default the checked-out branch. */
  branch?: string;
  /** false: commit only (dry runs, local use). */
  push?: boolean;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** From the injected clock, so tests don't wait. */
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Rewrites generated files (reports) from the rebased sources. Called after every rebase; if it
   * changes anything, the run's commit is amended, so the pushed reports match the merged data.
   */
  regenerate?: (ctx: RegenerateContext) => Promise<void>;
  log?: (line: string) => void;
}

export type SafeCommitResult =
  | { kind: "unchanged" }
  | { kind: "committed"; sha: string }
  | { kind: "pushed"; sha: string; attempts: number; rebases: number };

/**
 * One commit per run, then push with a bounded fetch + rebase + retry loop with jitter. A race with
 * another writer never loses results (the run's commit is replayed on top of theirs); a push that
 * cannot succeed throws an error saying why and what to change.
 */
export async function safeCommit(opts: SafeCommitOptions): Promise<SafeCommitResult> {
  const { git, paths, message, identity = BOT_IDENTITY, remote = "origin", push = true } = opts;
  const log = opts.log ?? (() => {});
  if (paths.length === 0)
    throw new Error("safeCommit: no paths given; pass the directories this run writes (e.g. reports, incidents)");
  if (!message.trim()) throw new Error("safeCommit: empty commit message");

  const env = identityEnv(identity);
  const staged = await stage(git, paths);
  if (!staged) {
    log("nothing changed; no commit");
    return { kind: "unchanged" };
  }
  await git(["-c", "commit.gpgsign=false", "commit", "--no-verify", "--quiet", "-m", message], { env });
  let sha = await head(git);
  log(`committed ${sha.slice(0, 7)}: ${message}`);
  if (!push) return { kind: "committed", sha };

  const branch = opts.branch ?? (await currentBranch(git));
  const maxAttempts = opts.maxAttempts ?? 6;
  const random = opts.random ?? Math.random;
  let rebases = 0;
  let last: PushFailure | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const out = await git(["push", "--porcelain", remote, `HEAD:refs/heads/${branch}`], { allowFailure: true });
    if (out.code === 0) {
      log(`pushed ${sha.slice(0, 7)} to ${remote}/${branch} (attempt ${attempt}, ${rebases} rebase(s))`);
      return { kind: "pushed", sha, attempts: attempt, rebases };
    }
    last = classifyPushFailure(`${out.stderr}\n${out.stdout}`);
    if (last.kind === "permanent") {
      throw new Error(
        `push of ${sha.slice(0, 7)} to ${remote}/${branch} refused: ${lastLines(last.detail)}\nTo fix: ${last.hint}.`,
      );
    }
    if (attempt === maxAttempts) break;
    const delay = backoffDelay(attempt, opts.baseDelayMs ?? 1_000, opts.maxDelayMs ?? 15_000, random);
    log(`push attempt ${attempt} failed (${last.kind}); retrying in ${delay} ms after fetch + rebase`);
    await opts.sleep(delay);
    const fetched = await git(
      ["fetch", "--no-tags", remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`],
      {
        allowFailure: true,
      },
    );
    if (fetched.code !== 0) {
      last = { kind: "transient", detail: fetched.stderr };
      continue;
    }
    const upstream = `refs/remotes/${remote}/${branch}`;
    const conflicted = await rebaseOnto(git, upstream, env);
    rebases++;
    // A commit whose every change the other writer already made is dropped by the rebase.
    let ours = (await head(git)) !== (await git(["rev-parse", upstream])).stdout.trim();
    if (opts.regenerate) {
      await opts.regenerate({ conflicted, attempt });
      if (await stage(git, paths)) {
        const args = ours ? ["--amend", "--no-edit"] : ["-m", message];
        await git(["-c", "commit.gpgsign=false", "commit", "--no-verify", "--quiet", ...args], { env });
        ours = true;
      }
    }
    if (!ours) {
      log(`after the rebase onto ${remote}/${branch} this run has nothing left to add`);
      return { kind: "unchanged" };
    }
    sha = await head(git);
  }
  throw new Error(
    `push of ${sha.slice(0, 7)} to ${remote}/${branch} failed after ${maxAttempts} attempts (last: ${last?.kind}): ${lastLines(last?.detail ?? "")}\n` +
      "The run's results are in that local commit only. Check for a writer pushing in a loop, or raise maxAttempts.",
  );
}

/** Stages `paths` (additions, changes and deletions); true when the index differs from HEAD. */
async function stage(git: Git, paths: readonly string[]): Promise<boolean> {
  // A pathspec that matches nothing (no incidents yet) is an error to `git add`; skip those.
  const present: string[] = [];
  for (const p of paths) {
    const files = await git(["ls-files", "--cached", "--others", "--exclude-standard", "--", p]);
    if (files.stdout.trim()) present.push(p);
  }
  if (present.length > 0) await git(["add", "--all", "--", ...present]);
  const diff = await git(["diff", "--cached", "--quiet"], { allowFailure: true });
  if (diff.code > 1) throw new GitError(`git diff --cached failed: ${diff.stderr}`, ["diff"], diff);
  return diff.code === 1;
}

async function head(git: Git): Promise<string> {
  return (await git(["rev-parse", "HEAD"])).stdout.trim();
}

async function currentBranch(git: Git): Promise<string> {
  const out = await git(["symbolic-ref", "--quiet", "--short", "HEAD"], { allowFailure: true });
  const branch = out.stdout.trim();
  if (out.code !== 0 || !branch) {
    throw new Error(
      "HEAD is detached, so there is no branch to push to: check out a branch (actions/checkout does on push and schedule) or pass --branch",
    );
  }
  return branch;
}

function identityEnv(id: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: id.name,
    GIT_AUTHOR_EMAIL: id.email,
    GIT_COMMITTER_NAME: id.name,
    GIT_COMMITTER_EMAIL: id.email,
  };
}
