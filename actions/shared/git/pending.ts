import type { Git } from "./exec.ts";
import { lastLines } from "./exec.ts";
import { resolveGenerated, unmergedPaths } from "./rebase.ts";
import { BOT_IDENTITY, type Identity } from "./safe-commit.ts";

/**
 * The `ops/pending` branch: the default branch plus ONE commit holding every run's data since the
 * last flush. Each run re-applies it before probing (restorePending), and after probing either
 * replaces it (parkPending, a force push of one amended commit) or flushes everything to the
 * default branch and deletes it. Superseded pending commits become unreachable, so they never
 * add to the repository's history.
 */
export const PENDING_BRANCH = "ops/pending";
/**
 * Local ref set only when this checkout re-applied (or skipped as stale) the pending commit. The
 * commit step leases on it and may delete the branch only then: a run whose restore failed must
 * never drop or overwrite the parked data.
 */
export const RESTORED_REF = "refs/ops/pending-restored";
/** Trailer on a flush commit naming the pending commit it absorbed, so a leftover is not re-applied. */
export const FLUSHED_TRAILER = "Ops-Pending-Flushed";

export type RestoreResult =
  | { kind: "none" }
  | { kind: "restored"; sha: string; conflicted: string[] }
  /** Its data is already on the default branch (a flush whose branch deletion failed). */
  | { kind: "stale"; sha: string };

/** The pending commit this checkout restored, if any (see RESTORED_REF). */
export async function restoredPending(git: Git): Promise<string | undefined> {
  const out = await git(["rev-parse", "--verify", "--quiet", RESTORED_REF], { allowFailure: true });
  return out.code === 0 ? out.stdout.trim() : undefined;
}

export async function restorePending(git: Git, remote = "origin"): Promise<RestoreResult> {
  // Depth 2: the pending commit and its parent are all a cherry-pick needs, even in a shallow clone.
  const fetched = await git(
    [
      "fetch",
      "--no-tags",
      "--depth=2",
      remote,
      `+refs/heads/${PENDING_BRANCH}:refs/remotes/${remote}/${PENDING_BRANCH}`,
    ],
    {
      allowFailure: true,
    },
  );
  if (fetched.code !== 0) {
    if (/couldn't find remote ref|no such ref/i.test(fetched.stderr)) return { kind: "none" };
    throw new Error(
      `fetching ${remote}/${PENDING_BRANCH} failed, so the pending runs' data cannot be restored: ${lastLines(fetched.stderr)}`,
    );
  }
  const sha = (await git(["rev-parse", `refs/remotes/${remote}/${PENDING_BRANCH}`])).stdout.trim();
  const flushed = await git(["log", "-n", "500", `--grep=${FLUSHED_TRAILER}: ${sha}`, "--format=%H", "HEAD"]);
  if (flushed.stdout.trim()) {
    await git(["update-ref", RESTORED_REF, sha]);
    return { kind: "stale", sha };
  }

  const picked = await git(["-c", "commit.gpgsign=false", "cherry-pick", "--no-commit", sha], { allowFailure: true });
  let conflicted: string[] = [];
  if (picked.code !== 0) {
    conflicted = await unmergedPaths(git);
    const human = conflicted.length ? await resolveGenerated(git, conflicted) : ["(no conflict reported)"];
    if (human.length > 0) {
      await git(["cherry-pick", "--abort"], { allowFailure: true });
      throw new Error(
        `re-applying ${PENDING_BRANCH} (${sha.slice(0, 7)}) conflicts in ${human.join(", ")}: ${lastLines(picked.stderr)}\n` +
          `Its data is safe on that branch; merge it by hand (git cherry-pick ${sha}) and delete the branch.`,
      );
    }
  }
  // Leave the data as plain work-tree changes: the run adds to them and the commit step stages all.
  await git(["cherry-pick", "--quit"], { allowFailure: true });
  await git(["reset", "--quiet"]);
  await git(["update-ref", RESTORED_REF, sha]);
  return { kind: "restored", sha, conflicted };
}

export interface ParkOptions {
  git: Git;
  paths: readonly string[];
  message: string;
  /** The pending commit this run started from (the lease: a force push only replaces that). */
  expected?: string;
  remote?: string;
  identity?: Identity;
}

export type ParkResult =
  | { kind: "parked"; sha: string }
  | { kind: "lost-lease"; detail: string }
  | { kind: "unchanged" };

/** Commits the accumulated data on top of the default branch's tip and force-pushes it as ops/pending. */
export async function parkPending(opts: ParkOptions): Promise<ParkResult> {
  const { git, remote = "origin", identity = BOT_IDENTITY } = opts;
  const present: string[] = [];
  for (const p of opts.paths)
    if ((await git(["ls-files", "--cached", "--others", "--exclude-standard", "--", p])).stdout.trim()) present.push(p);
  if (present.length > 0) await git(["add", "--all", "--", ...present]);
  if ((await git(["diff", "--cached", "--quiet"], { allowFailure: true })).code === 0) return { kind: "unchanged" };
  const env = {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
  await git(["-c", "commit.gpgsign=false", "commit", "--no-verify", "--quiet", "-m", opts.message], { env });
  const sha = (await git(["rev-parse", "HEAD"])).stdout.trim();
  const lease = `--force-with-lease=refs/heads/${PENDING_BRANCH}:${opts.expected ?? ""}`;
  const out = await git(["push", "--porcelain", lease, remote, `HEAD:refs/heads/${PENDING_BRANCH}`], {
    allowFailure: true,
  });
  if (out.code === 0) return { kind: "parked", sha };
  // Someone else moved ops/pending: undo our commit (keep the files) and let the caller flush instead.
  await git(["reset", "--soft", "HEAD~1"]);
  return { kind: "lost-lease", detail: lastLines(`${out.stderr}\n${out.stdout}`) };
}

/** After a flush: the default branch now holds the pending data; the branch may go. */
export async function dropPending(git: Git, expected: string, remote = "origin"): Promise<string | undefined> {
  const out = await git(
    [
      "push",
      "--porcelain",
      `--force-with-lease=refs/heads/${PENDING_BRANCH}:${expected}`,
      remote,
      `:refs/heads/${PENDING_BRANCH}`,
    ],
    {
      allowFailure: true,
    },
  );
  return out.code === 0 ? undefined : lastLines(out.stderr);
}
