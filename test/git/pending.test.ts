import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { createGit } from "../../actions/shared/git/exec.ts";
import { shouldFlush } from "../../actions/shared/git/flush.ts";
import type { Status } from "../../actions/shared/status.ts";
import { commitCommand } from "../../scripts/commands/commit.ts";
import { latest } from "./latest-fixture.ts";
import { remoteFile, remoteLog, sandbox, type Clone, type Sandbox } from "./repos.ts";

const T0 = Date.parse("2026-11-22T16:00:00.000Z");
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.cleanup();
  box = undefined;
});

/**
 * One monitor job on a fresh runner: clone, `ops commit --restore`, write this run's data (as the
 * probe step does), `ops commit --flush-every 60m`. Returns what ops commit printed.
 */
async function job(box: Sandbox, name: string, minute: number, status: Status = "up"): Promise<string> {
  return (await jobSteps(box, name, minute, status)).commit;
}

async function jobSteps(box: Sandbox, name: string, minute: number, status: Status = "up") {
  const c: Clone = await box.clone(name, 1);
  const out: string[] = [];
  const deps = {
    env: {},
    cwd: c.dir,
    io: { out: (t: string) => void out.push(t), err: () => {} },
    clock: manualClock(at(minute)),
    git: c.git,
  };
  expect(await commitCommand(["--data", c.dir, "--restore"], deps)).toBe(0);
  const restore = out.splice(0).join("");
  await c.append("reports/history/2026-11-22.jsonl", `{"t":"${at(minute)}","id":"web","s":"${status}"}\n`);
  await c.write("reports/latest.json", JSON.stringify(latest({ web: status }, [], false, at(minute))));
  expect(await commitCommand(["--data", c.dir, "--flush-every", "60m"], deps)).toBe(0);
  return { restore, commit: out.join("") };
}

async function remoteBranches(box: Sandbox): Promise<string[]> {
  const out = await createGit({ cwd: box.remote })(["for-each-ref", "--format=%(refname:short)", "refs/heads"]);
  return out.stdout.trim().split("\n");
}

describe("batched commits through ops/pending (the growth policy)", () => {
  it("parks quiet runs on ops/pending, re-applies them on the next runner, and flushes within the hour with nothing lost", async () => {
    box = await sandbox();
    expect(await job(box, "r0", 0)).toMatch(/^pushed /); // first run: nothing committed to compare with
    for (const [i, minute] of [5, 10, 15].entries()) {
      expect(await job(box, `r${i + 1}`, minute)).toMatch(/^parked [0-9a-f]{40} on ops\/pending/);
    }
    expect(await remoteBranches(box)).toEqual(["main", "ops/pending"]);
    const git = createGit({ cwd: box.remote });
    expect((await git(["rev-list", "--count", "main..ops/pending"])).stdout.trim()).toBe("1"); // amended, never a chain
    expect(await remoteLog(box)).toHaveLength(2); // seed + the first run

    expect(await job(box, "r4", 65)).toMatch(/^pushed /); // an hour behind: flush
    expect(await remoteBranches(box)).toEqual(["main"]);
    const lines = (await remoteFile(box, "reports/history/2026-11-22.jsonl")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).t)).toEqual([0, 5, 10, 15, 65].map(at));
    const log = await remoteLog(box);
    expect(log).toHaveLength(3);
    expect(log[0]).toBe("github-actions[bot]|ops: 1 services checked, no change, no incidents open [skip ci]");
  });

  it("flushes at once when a service goes down", async () => {
    box = await sandbox();
    await job(box, "r0", 0);
    await job(box, "r1", 5);
    expect(await job(box, "r2", 10, "down")).toMatch(/^pushed .*ops: web down, no incidents open/);
    expect(await remoteBranches(box)).toEqual(["main"]);
  });

  it("two runners that restored the same pending commit: the loser flushes instead, and the next run loses and doubles nothing", async () => {
    box = await sandbox();
    await job(box, "r0", 0);
    await job(box, "r1", 5); // parked
    // r2 and r3 both start from the same ops/pending (a manual dispatch overlapping a cron run).
    const steps = async (c: Clone, minute: number) => {
      const out: string[] = [];
      const deps = {
        env: {},
        cwd: c.dir,
        io: { out: (t: string) => void out.push(t), err: () => {} },
        clock: manualClock(at(minute)),
        git: c.git,
      };
      await commitCommand(["--data", c.dir, "--restore"], deps);
      await c.append("reports/history/2026-11-22.jsonl", `{"t":"${at(minute)}","id":"web","s":"up"}\n`);
      await c.write("reports/latest.json", JSON.stringify(latest({ web: "up" }, [], false, at(minute))));
      return async () => {
        out.length = 0;
        await commitCommand(["--data", c.dir, "--flush-every", "60m"], deps);
        return out.join("");
      };
    };
    const commitR2 = await steps(await box.clone("r2", 1), 10);
    const commitR3 = await steps(await box.clone("r3", 1), 11);
    expect(await commitR2()).toMatch(/^parked /);
    expect(await commitR3()).toMatch(/^pushed /); // lost the lease on ops/pending: flushed to main
    await job(box, "r4", 15);
    await job(box, "r5", 80); // flush
    const ts = (await remoteFile(box, "reports/history/2026-11-22.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).t);
    expect([...ts].sort()).toEqual([0, 5, 10, 11, 15, 80].map(at));
  });

  it("a run whose restore failed never drops or overwrites the parked data", async () => {
    box = await sandbox();
    const human = await box.clone("human");
    const humanEdit = async (text: string) => {
      await human.git(["pull", "--quiet", "--rebase", "origin", "main"]);
      await human.write("incidents/note.md", text);
      await human.git(["add", "."]);
      await human.git(["commit", "--quiet", "-m", "postmortem notes"]);
      await human.git(["push", "--quiet", "origin", "HEAD:main"]);
    };
    await humanEdit("first draft\n");
    await job(box, "r0", 0);
    const r1 = await box.clone("r1", 1);
    const deps1 = {
      env: {},
      cwd: r1.dir,
      io: { out: () => {}, err: () => {} },
      clock: manualClock(at(5)),
      git: r1.git,
    };
    await r1.write("incidents/note.md", "written by the run\n");
    await r1.write("reports/latest.json", JSON.stringify(latest({ web: "up" }, [], false, at(5))));
    await commitCommand(["--data", r1.dir, "--flush-every", "60m"], deps1); // parked
    const git = createGit({ cwd: box.remote });
    const parked = (await git(["rev-parse", "ops/pending"])).stdout.trim();
    await humanEdit("edited by a person\n");

    const r2 = await box.clone("r2", 1);
    const deps2 = {
      env: {},
      cwd: r2.dir,
      io: { out: () => {}, err: () => {} },
      clock: manualClock(at(10)),
      git: r2.git,
    };
    await expect(commitCommand(["--data", r2.dir, "--restore"], deps2)).rejects.toThrow(
      /conflicts in incidents\/note\.md/,
    );
    // monitor.yml still runs the commit step (!cancelled()) so this run's own data is kept.
    await r2.append("reports/history/2026-11-22.jsonl", `{"t":"${at(10)}","id":"web","s":"up"}\n`);
    await commitCommand(["--data", r2.dir, "--flush-every", "60m"], deps2);
    expect((await git(["rev-parse", "ops/pending"])).stdout.trim()).toBe(parked);
    expect(await remoteFile(box, "reports/history/2026-11-22.jsonl")).toContain(at(10));
  });

  it("skips a pending commit whose data a flush already absorbed (its deletion failed)", async () => {
    box = await sandbox();
    await job(box, "r0", 0);
    await job(box, "r1", 5);
    const git = createGit({ cwd: box.remote });
    const pendingSha = (await git(["rev-parse", "ops/pending"])).stdout.trim();
    await job(box, "r2", 70);
    await git(["update-ref", "refs/heads/ops/pending", pendingSha]); // as if the delete had failed
    const steps = await jobSteps(box, "r3", 75);
    expect(steps.restore).toMatch(/^stale ops\/pending [0-9a-f]{40}/);
    const lines = (await remoteFile(box, "reports/history/2026-11-22.jsonl")).trim().split("\n");
    expect(new Set(lines).size).toBe(lines.length); // nothing applied twice
  });
});

describe("shouldFlush", () => {
  const base = { addedFiles: [], now: new Date(at(30)), everyMs: 3_600_000 };
  it("waits on up ↔ degraded, flushes on down, incidents, new files and age", () => {
    const committed = latest({ a: "up" }, [], false, at(0));
    expect(shouldFlush({ ...base, committed, next: latest({ a: "degraded" }, [], false, at(30)) }).flush).toBe(false);
    expect(shouldFlush({ ...base, committed, next: latest({ a: "down" }, [], false, at(30)) })).toEqual({
      flush: true,
      why: "a up → down",
    });
    expect(shouldFlush({ ...base, committed, next: latest({ a: "up" }, [["a", "P1"]], false, at(30)) }).why).toBe(
      "incident service:a open",
    );
    expect(
      shouldFlush({ ...base, committed, next: latest({ a: "up" }), addedFiles: ["reports/updates/x.md"] }).why,
    ).toBe("new file reports/updates/x.md");
    expect(shouldFlush({ ...base, committed, next: latest({ a: "up" }), now: new Date(at(60)) }).why).toBe(
      "default branch 60 min behind",
    );
    expect(shouldFlush({ ...base, committed, next: latest({ a: "up" }), everyMs: 0 }).why).toBe("commit every run");
  });
});
