/**
 * What a failed `git push` means for the retry loop. A race with another writer is healed by
 * fetch + rebase; a network blip by waiting; a missing permission by nobody, so it fails at once.
 */
export type PushFailure =
  | { kind: "behind"; detail: string }
  | { kind: "transient"; detail: string }
  | { kind: "permanent"; detail: string; hint: string };

/** Substrings git prints when the remote moved under us (or a concurrent push holds the ref lock). */
const BEHIND = ["fetch first", "non-fast-forward", "cannot lock ref", "failed to update ref", "stale info"];

/** Network and server hiccups worth another attempt. */
const TRANSIENT = [
  "could not resolve host",
  "connection timed out",
  "connection reset",
  "early eof",
  "rpc failed",
  "the remote end hung up",
  "returned error: 500",
  "returned error: 502",
  "returned error: 503",
  "returned error: 504",
  "operation timed out",
  "temporary failure",
];

/** Failures no retry can fix, with what the maintainer has to change. */
const PERMANENT: Array<{ match: string[]; hint: string }> = [
  {
    match: ["returned error: 403", "permission to", "write access to repository not granted", "authentication failed"],
    hint: "give the job `permissions: contents: write` and check out with persist-credentials left on in the writing job",
  },
  {
    match: ["protected branch", "gh006", "gh013", "required status check", "pre-receive hook declined"],
    hint: "allow github-actions[bot] to push to the branch (branch protection / rulesets), or commit to an unprotected data branch",
  },
  {
    match: ["does not appear to be a git repository", "repository not found", "no such remote"],
    hint: "check the remote name and that the checkout step ran in this job",
  },
];

export function classifyPushFailure(stderr: string): PushFailure {
  const text = stderr.toLowerCase();
  const detail = stderr.trim();
  for (const p of PERMANENT)
    if (p.match.some((m) => text.includes(m))) return { kind: "permanent", detail, hint: p.hint };
  if (BEHIND.some((m) => text.includes(m))) return { kind: "behind", detail };
  if (TRANSIENT.some((m) => text.includes(m))) return { kind: "transient", detail };
  // Unknown: retry (bounded); the last detail is reported if every attempt fails.
  return { kind: "transient", detail };
}

/** Exponential backoff with "equal jitter": never zero, never in lockstep with another runner. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
