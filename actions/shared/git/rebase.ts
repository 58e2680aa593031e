import type { Git } from "./exec.ts";

/**
 * Which files the rebase may resolve on its own: those `.gitattributes` marks `linguist-generated`
 * (reports rebuilt from data). History files never conflict (`merge=union`). Anything else in
 * conflict is a human edit colliding with the run, and is not guessed at.
 */
const GENERATED_ATTR = "linguist-generated";
/**
 * `ops-merge=upstream`: a file people edit that also holds a generated part (the README's status
 * section). On conflict the other writer's version wins and the regenerate hook re-applies the
 * generated part.
 */
const MERGE_ATTR = "ops-merge";
const MAX_STEPS = 50;

/**
 * Replays the local commits on `upstream`. Conflicts in generated files are resolved to this run's
 * version (the caller regenerates them afterwards); returns their paths. Any other conflict aborts
 * the rebase (the work tree is left as before) and throws naming the files.
 */
export async function rebaseOnto(git: Git, upstream: string, env: Record<string, string>): Promise<string[]> {
  const resolved = new Set<string>();
  const editorEnv = { ...env, GIT_EDITOR: "true", GIT_SEQUENCE_EDITOR: "true" };
  let out = await git(["-c", "commit.gpgsign=false", "rebase", "--autostash", upstream], {
    allowFailure: true,
    env: editorEnv,
  });
  for (let step = 0; out.code !== 0; step++) {
    const conflicted = await unmergedPaths(git);
    if (conflicted.length === 0 || step >= MAX_STEPS) {
      await abort(git);
      throw new Error(
        `rebase onto ${upstream} failed without a resolvable conflict: ${out.stderr.trim() || out.stdout.trim()}`,
      );
    }
    const human = await resolveGenerated(git, conflicted);
    if (human.length > 0) {
      await abort(git);
      throw new Error(
        `rebase onto ${upstream} conflicts in ${human.join(", ")}, which are not generated files. ` +
          "Someone edited them while the run was writing; resolve by hand, or mark them linguist-generated in .gitattributes if a run may rebuild them.",
      );
    }
    for (const p of conflicted) resolved.add(p);
    out = await git(["-c", "commit.gpgsign=false", "rebase", "--continue"], { allowFailure: true, env: editorEnv });
  }
  return [...resolved];
}

/**
 * Resolves the conflicted generated files to the side being applied ("theirs": the replayed or
 * cherry-picked commit, i.e. the run's data). Returns the conflicted files it may not touch.
 */
export async function resolveGenerated(git: Git, conflicted: string[]): Promise<string[]> {
  const generated = await pathsWithAttr(git, conflicted, GENERATED_ATTR, ["true", "set"]);
  const upstream = await pathsWithAttr(git, conflicted, MERGE_ATTR, ["upstream"]);
  const human = conflicted.filter((p) => !generated.has(p) && !upstream.has(p));
  if (human.length > 0) return human;
  for (const p of conflicted) {
    // In a rebase or cherry-pick, "ours" is the branch being built on (the other writer's side).
    const side = upstream.has(p) ? "--ours" : "--theirs";
    const theirs = await git(["checkout", side, "--", p], { allowFailure: true });
    if (theirs.code === 0) await git(["add", "--", p]);
    else await git(["rm", "--quiet", "--cached", "--ignore-unmatch", "--", p]); // deleted on that side
  }
  return [];
}

export async function unmergedPaths(git: Git): Promise<string[]> {
  const out = await git(["diff", "--name-only", "--diff-filter=U", "-z"]);
  return out.stdout.split("\0").filter(Boolean);
}

async function pathsWithAttr(git: Git, paths: string[], attr: string, values: string[]): Promise<Set<string>> {
  const out = await git(["check-attr", "-z", attr, "--", ...paths]);
  // -z output: path NUL attr NUL value NUL, repeated.
  const parts = out.stdout.split("\0");
  const generated = new Set<string>();
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const value = parts[i + 2];
    if (value !== undefined && values.includes(value)) generated.add(parts[i] ?? "");
  }
  return generated;
}

async function abort(git: Git): Promise<void> {
  const out = await git(["rebase", "--abort"], { allowFailure: true });
  if (out.code !== 0) throw new Error(`git rebase --abort failed; the work tree needs a look: ${out.stderr.trim()}`);
}
