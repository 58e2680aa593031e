import type { Log } from "../log.ts";
import type { Latest } from "../store/latest-schema.ts";
import { parseLatest } from "../store/latest.ts";
import { paths } from "../store/files.ts";
import { readFile } from "node:fs/promises";
import type { Git } from "./exec.ts";
import { shouldFlush } from "./flush.ts";
import { commitMessage } from "./message.ts";
import {
  dropPending,
  FLUSHED_TRAILER,
  parkPending,
  PENDING_BRANCH,
  restoredPending,
  restorePending,
  type RestoreResult,
} from "./pending.ts";
import { type RegenerateContext, safeCommit } from "./safe-commit.ts";

/**
 * The commit policy, the last step of a run: commit what the run wrote (reports/, incidents/) as
 * one bot commit whose message says what changed. Quiet runs are parked as one amended commit on
 * `ops/pending`; anything that matters (a status change, an incident, a new file) and the hourly
 * flush go to the default branch with fetch + rebase + retry.
 */
export interface CommitRunInput {
  git: Git;
  dataDir: string;
  paths: string[];
  /** A message to use instead of the one built from the committed and the new latest.json. */
  message?: string;
  push: boolean;
  maxAttempts: number;
  remote: string;
  branch?: string;
  /** Flush to the default branch at least this often (ms); 0 = every run. */
  flushEveryMs: number;
  now: Date;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** Rebuilds the generated reports after a rebase brought in another writer's records. */
  regenerate: (ctx: RegenerateContext) => Promise<void>;
  dryRun: boolean;
  log: Log;
}

export type CommitOutcome =
  | { kind: "dry-run"; message: string; pending: boolean; status: string }
  | { kind: "parked"; sha: string; message: string }
  | { kind: "unchanged" }
  | { kind: "committed" | "pushed"; sha: string; message: string; attempts?: number; rebases?: number };

const LATEST = "reports/latest.json";

/** Re-applies the parked data before a run writes anything (the monitor job's first step). */
export function restoreRun(git: Git, remote: string): Promise<RestoreResult> {
  return restorePending(git, remote);
}

export async function commitRun(input: CommitRunInput): Promise<CommitOutcome> {
  const { git, log, remote } = input;
  const committed = await committedLatest(git, log);
  const next = await currentLatest(input.dataDir, log);
  const message = input.message ?? commitMessage(committed, next);
  // Only a pending commit this checkout restored may be replaced or deleted (never one it failed to apply).
  const pending = await restoredPending(git);
  const added = (await git(["status", "--porcelain", "--untracked-files=all", "--", ...input.paths])).stdout
    .split("\n")
    .filter((l) => l.startsWith("??") || l.startsWith("A "))
    .map((l) => l.slice(3));
  const decision = shouldFlush({ committed, next, addedFiles: added, now: input.now, everyMs: input.flushEveryMs });
  log.info(
    `commit policy: ${decision.flush ? "flush to the default branch" : `park on ${PENDING_BRANCH}`} (${decision.why})`,
  );

  if (input.dryRun) {
    const status = await git(["status", "--porcelain", "--", ...input.paths]);
    return { kind: "dry-run", message, pending: !decision.flush, status: status.stdout };
  }
  if (!decision.flush && input.push) {
    const parked = await parkPending({
      git,
      paths: input.paths,
      message: `ops: pending — ${message.replace(/^ops: /, "")}`,
      ...(pending && { expected: pending }),
      remote,
    });
    if (parked.kind === "parked") return { kind: "parked", sha: parked.sha, message };
    if (parked.kind === "unchanged") return { kind: "unchanged" };
    log.warn(`${PENDING_BRANCH} moved under this run (${parked.detail}); flushing to the default branch instead`);
  }
  const result = await safeCommit({
    git,
    paths: input.paths,
    message: pending ? `${message}\n\n${FLUSHED_TRAILER}: ${pending}` : message,
    push: input.push,
    maxAttempts: input.maxAttempts,
    remote,
    ...(input.branch && { branch: input.branch }),
    sleep: input.sleep,
    ...(input.random && { random: input.random }),
    regenerate: input.regenerate,
    log: (line) => log.info(line),
  });
  if (pending && result.kind !== "committed") {
    const failed = await dropPending(git, pending, remote);
    if (failed)
      log.warn(
        `could not delete ${PENDING_BRANCH} (${failed}); the next run sees the ${FLUSHED_TRAILER} trailer and skips it`,
      );
  }
  if (result.kind === "unchanged") return { kind: "unchanged" };
  return result.kind === "pushed"
    ? { kind: "pushed", sha: result.sha, message, attempts: result.attempts, rebases: result.rebases }
    : { kind: "committed", sha: result.sha, message };
}

/** latest.json as the last commit has it: the "before" of this run's message. */
async function committedLatest(git: Git, log: Log): Promise<Latest | undefined> {
  const out = await git(["show", `HEAD:./${LATEST}`], { allowFailure: true });
  if (out.code !== 0) return undefined; // first run: nothing committed yet
  return described(out.stdout, `HEAD:${LATEST}`, log);
}

async function currentLatest(dataDir: string, log: Log): Promise<Latest | undefined> {
  const text = await readFile(paths.latest(dataDir), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new Error(`cannot read ${LATEST} to describe the commit`, { cause: error });
  });
  return text === undefined ? undefined : described(text, LATEST, log);
}

function described(text: string, where: string, log: Log): Latest | undefined {
  const parsed = parseLatest(text);
  if ("latest" in parsed) return parsed.latest;
  log.warn(`${where}: ${parsed.problem}; the commit message will be generic`);
  return undefined;
}
