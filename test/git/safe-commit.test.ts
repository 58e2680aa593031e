import { afterEach, describe, expect, it } from "vitest";
import { safeCommit, type SafeCommitOptions } from "../../actions/shared/git/safe-commit.ts";
import { remoteFile, remoteLog, sandbox, type Clone, type Sandbox } from "./repos.ts";

const PATHS = ["reports", "incidents", "README.md"];
const noWait = async () => {};
let box: Sandbox | undefined;
afterEach(async () => {
  await box?.cleanup();
  box = undefined;
});

/** One simulated monitor run: append history, overwrite latest.json, commit and push. */
async function run(c: Clone, who: string, n: number, extra: Partial<SafeCommitOptions> = {}) {
  await c.append("reports/history/2026-11-22.jsonl", `{"t":"${who}-${n}","id":"svc","s":"up"}\n`);
  await c.write("reports/latest.json", JSON.stringify({ who, n }) + "\n");
  return safeCommit({ git: c.git, paths: PATHS, message: `ops: ${who} run ${n} [skip ci]`, sleep: noWait, ...extra });
}

describe("safeCommit against a real bare repository", () => {
  it("makes no commit when nothing changed", async () => {
    box = await sandbox();
    const a = await box.clone("a");
    const result = await safeCommit({ git: a.git, paths: PATHS, message: "ops: x", sleep: noWait });
    expect(result).toEqual({ kind: "unchanged" });
    expect(await remoteLog(box)).toHaveLength(1);
  });

  it("commits once with the bot identity and only the given paths", async () => {
    box = await sandbox();
    const a = await box.clone("a");
    await a.write("stray.txt", "not ours to commit\n");
    const result = await run(a, "a", 1);
    expect(result.kind).toBe("pushed");
    expect(await remoteLog(box)).toEqual(["github-actions[bot]|ops: a run 1 [skip ci]", "t|seed"]);
    const tree = await a.git(["ls-tree", "-r", "--name-only", "HEAD"]);
    expect(tree.stdout).not.toContain("stray.txt");
  });

  it("two clones pushing concurrently lose nothing", async () => {
    box = await sandbox();
    const [a, b] = [await box.clone("a"), await box.clone("b")];
    const rounds = 6;
    const opts = {
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
      baseDelayMs: 10,
      maxDelayMs: 80,
      maxAttempts: 20,
    };
    const results = [];
    for (let i = 1; i <= rounds; i++) {
      results.push(...(await Promise.all([run(a, "a", i, opts), run(b, "b", i, opts)])));
    }
    expect(results.every((r) => r.kind === "pushed")).toBe(true);
    // At least one push had to rebase, or the test raced nothing.
    expect(results.some((r) => r.kind === "pushed" && r.rebases > 0)).toBe(true);

    const lines = (await remoteFile(box, "reports/history/2026-11-22.jsonl")).trim().split("\n");
    const expected = [];
    for (let i = 1; i <= rounds; i++) expected.push(`a-${i}`, `b-${i}`);
    expect(lines.map((l) => JSON.parse(l).t).sort()).toEqual(expected.sort());
    const log = await remoteLog(box);
    expect(log).toHaveLength(1 + 2 * rounds);
    expect(log.filter((l) => l.startsWith("github-actions[bot]|ops: "))).toHaveLength(2 * rounds);
    // latest.json conflicted every time; it is always one whole run's version, never conflict markers.
    expect(JSON.parse(await remoteFile(box, "reports/latest.json"))).toMatchObject({ n: rounds });
  });

  it("rebases a shallow clone (actions/checkout fetch-depth 1) onto commits it never fetched", async () => {
    box = await sandbox();
    const b = await box.clone("b");
    await run(b, "b", 0);
    const a = await box.clone("a", 1);
    for (let i = 1; i <= 3; i++) await run(b, "b", i);
    const result = await run(a, "a", 1);
    expect(result).toMatchObject({ kind: "pushed", attempts: 2, rebases: 1 });
    const ts = (await remoteFile(box, "reports/history/2026-11-22.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).t);
    expect(ts.sort()).toEqual(["a-1", "b-0", "b-1", "b-2", "b-3"]);
  });

  it("resolves a conflicting generated file by regenerating it from the merged data", async () => {
    box = await sandbox();
    const [a, b] = [await box.clone("a"), await box.clone("b")];
    const regenerateFor = (c: Clone) => async () => {
      const records = (await c.read("reports/history/2026-11-22.jsonl")).trim().split("\n").length;
      await c.write("reports/STATUS.md", `# Status\n${records} records, last written by ${c.dir.slice(-1)}\n`);
    };
    // Both runs rewrite STATUS.md from their own view of history: a textual conflict on rebase.
    await b.append("reports/history/2026-11-22.jsonl", '{"t":"b"}\n');
    await regenerateFor(b)();
    await safeCommit({ git: b.git, paths: PATHS, message: "ops: b", sleep: noWait });

    await a.append("reports/history/2026-11-22.jsonl", '{"t":"a"}\n');
    await regenerateFor(a)();
    const seen: string[][] = [];
    const result = await safeCommit({
      git: a.git,
      paths: PATHS,
      message: "ops: a",
      sleep: noWait,
      regenerate: async (ctx) => {
        seen.push(ctx.conflicted);
        await regenerateFor(a)();
      },
    });
    expect(result).toMatchObject({ kind: "pushed", attempts: 2, rebases: 1 });
    expect(seen).toEqual([["reports/STATUS.md"]]);
    expect(await remoteFile(box, "reports/STATUS.md")).toBe("# Status\n2 records, last written by a\n");
    expect(await remoteLog(box)).toEqual(["github-actions[bot]|ops: a", "github-actions[bot]|ops: b", "t|seed"]);
  });

  it("keeps a person's README edit and re-applies the run's status section on top", async () => {
    box = await sandbox();
    const [a, b] = [await box.clone("a"), await box.clone("b")];
    const section = async (c: Clone, text: string) =>
      c.write(
        "README.md",
        (await c.read("README.md")).replace(/(<!-- status -->\n)[\s\S]*(<!-- \/status -->)/, `$1${text}\n$2`),
      );
    // A person rewrites the README, including the lines around the generated section.
    await b.write(
      "README.md",
      "# Ops\n\nRewritten by a person.\n\n<!-- status -->\nall up (edited)\n<!-- /status -->\n",
    );
    await safeCommit({ git: b.git, paths: PATHS, message: "docs", sleep: noWait });
    await section(a, "chatwoot down");
    const result = await safeCommit({
      git: a.git,
      paths: PATHS,
      message: "ops: a",
      sleep: noWait,
      regenerate: () => section(a, "chatwoot down"),
    });
    expect(result).toMatchObject({ kind: "pushed", rebases: 1 });
    expect(await remoteFile(box, "README.md")).toBe(
      "# Ops\n\nRewritten by a person.\n\n<!-- status -->\nchatwoot down\n<!-- /status -->\n",
    );
  });

  it("refuses to guess on a conflict in a file people edit, and says which", async () => {
    box = await sandbox();
    const [a, b] = [await box.clone("a"), await box.clone("b")];
    await b.write("incidents/note.md", "human edit\n");
    await safeCommit({ git: b.git, paths: PATHS, message: "human", sleep: noWait });
    await a.write("incidents/note.md", "run edit\n");
    await expect(safeCommit({ git: a.git, paths: PATHS, message: "ops: a", sleep: noWait })).rejects.toThrow(
      /conflicts in incidents\/note\.md, which are not generated files/,
    );
    // The rebase was aborted: the run's commit is intact for a human to recover.
    expect(await a.read("incidents/note.md")).toBe("run edit\n");
    expect((await a.git(["status", "--porcelain"])).stdout).toBe("");
  });

  it("fails loudly with the reason and a fix when the remote refuses the push", async () => {
    box = await sandbox();
    const a = await box.clone("a");
    await box.hook('echo "GH006: Protected branch update failed for refs/heads/main." >&2; exit 1');
    let attempts = 0;
    const err = await run(a, "a", 1, { sleep: async () => void attempts++ }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/refused: [\s\S]*GH006[\s\S]*To fix: allow github-actions\[bot\] to push/);
    expect(attempts).toBe(0); // no retry can fix a permission
  });

  it("gives up after maxAttempts when another writer always wins, naming the last failure", async () => {
    box = await sandbox();
    const [a, b] = [await box.clone("a"), await box.clone("b")];
    let n = 0;
    const bWinsAgain = async () => {
      await run(b, "b", ++n); // pushes between a's rebase and a's push, every time
    };
    await bWinsAgain();
    const err = await run(a, "a", 1, { maxAttempts: 3, regenerate: bWinsAgain }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/failed after 3 attempts \(last: behind\)/);
    expect(n).toBe(3); // one before, then one per rebase (attempts 1 and 2)
  });
});
