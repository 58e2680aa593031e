import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { commitMessage } from "../../actions/shared/git/message.ts";
import { commitCommand, gitRedactor } from "../../scripts/commands/commit.ts";
import { latest } from "./latest-fixture.ts";
import { remoteLog, sandbox, type Sandbox } from "./repos.ts";

const AT = "2026-11-22T16:20:00.000Z";

describe("commitMessage", () => {
  it("says what changed, with the incident's severity and the open count", () => {
    const before = latest({ chatwoot: "up", shopify: "up" }, [["shopify", "P2"]]);
    const after = latest({ chatwoot: "down", shopify: "up" }, [
      ["chatwoot", "P1"],
      ["shopify", "P2"],
    ]);
    expect(commitMessage(before, after)).toBe("ops: chatwoot down (P1), 2 incidents open [skip ci]");
  });

  it("reads well when nothing changed, when offline, and on the first run", () => {
    const same = latest({ a: "up", b: "up" });
    expect(commitMessage(same, same)).toBe("ops: 2 services checked, no change, no incidents open [skip ci]");
    expect(commitMessage(same, latest({ a: "unknown", b: "unknown" }, [], true))).toBe(
      "ops: runner offline, recorded unknown, no incidents open [skip ci]",
    );
    expect(commitMessage(undefined, latest({ a: "up", b: "down" }))).toBe("ops: b down, no incidents open [skip ci]");
    expect(commitMessage(undefined, undefined)).toBe("ops: update reports [skip ci]");
  });

  it("keeps the subject short when many services change", () => {
    const ids = ["a", "b", "c", "d", "e", "f"];
    const msg = commitMessage(
      latest(Object.fromEntries(ids.map((i) => [i, "up"]))),
      latest(Object.fromEntries(ids.map((i) => [i, "down"]))),
    );
    expect(msg).toBe("ops: a down, b down, c down, d down, 2 more changed, no incidents open [skip ci]");
  });
});

describe("ops commit", () => {
  let box: Sandbox | undefined;
  afterEach(async () => {
    await box?.cleanup();
    box = undefined;
  });

  function deps(cwd: string, git: import("../../actions/shared/git/exec.ts").Git) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      deps: {
        env: {},
        cwd,
        io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) },
        clock: manualClock(AT),
        git,
      },
    };
  }

  it("commits the run's files with a message built from the committed and the new latest.json, then pushes", async () => {
    box = await sandbox();
    const a = await box.clone("a");
    await a.write("reports/latest.json", JSON.stringify(latest({ chatwoot: "up" })));
    await a.git(["commit", "--quiet", "-am", "previous run"]);
    await a.git(["push", "--quiet", "origin", "HEAD:main"]);
    await a.write("reports/latest.json", JSON.stringify(latest({ chatwoot: "down" }, [["chatwoot", "P1"]])));
    await a.write("incidents/2026-11-22-chatwoot.md", "# Chatwoot down\n");
    const d = deps(a.dir, a.git);
    expect(await commitCommand(["--data", a.dir], d.deps)).toBe(0);
    expect((await remoteLog(box))[0]).toBe("github-actions[bot]|ops: chatwoot down (P1), 1 incident open [skip ci]");
    expect(d.out.join("")).toMatch(
      /^pushed [0-9a-f]{40}: ops: chatwoot down \(P1\), 1 incident open \[skip ci\] \(attempts 1, rebases 0\)\n$/,
    );
  });

  it("--dry-run shows the message and the files, and commits nothing", async () => {
    box = await sandbox();
    const a = await box.clone("a");
    await a.write("reports/latest.json", JSON.stringify(latest({ web: "degraded" })));
    const d = deps(a.dir, a.git);
    expect(await commitCommand(["--data", a.dir, "--dry-run"], d.deps)).toBe(0);
    expect(d.out.join("")).toBe(
      "would commit as github-actions[bot]: ops: web degraded, no incidents open [skip ci]\n M reports/latest.json\n",
    );
    expect(await remoteLog(box)).toHaveLength(1);
  });

  it("exits 1 with the reason when the push is refused", async () => {
    box = await sandbox();
    const a = await box.clone("a");
    await box.hook('echo "error: GH013: Repository rule violations found for refs/heads/main." >&2; exit 1');
    await a.write("reports/latest.json", "{}\n");
    const d = deps(a.dir, a.git);
    await expect(commitCommand(["--data", a.dir], d.deps)).rejects.toMatchObject({
      code: 1,
      message: expect.stringMatching(
        /^the run's results were not pushed: push of [0-9a-f]{7} to origin\/main refused:[\s\S]*GH013/,
      ),
    });
  });

  it("rejects bad flags with exit code 2", async () => {
    await expect(
      commitCommand(["--attempts", "0"], deps("/tmp", async () => ({ code: 0, stdout: "", stderr: "" })).deps),
    ).rejects.toMatchObject({ code: 2 });
  });
});

describe("gitRedactor", () => {
  it("hides tokens in remote URLs and the token from the environment", () => {
    const scrub = gitRedactor({ GITHUB_TOKEN: "ghs_abcdefghijklmnop" });
    expect(scrub("fatal: unable to access 'https://x-access-token:ghs_zzz@github.com/acme/ops/': 403")).toBe(
      "fatal: unable to access 'https://***@github.com/acme/ops/': 403",
    );
    expect(scrub("token ghs_abcdefghijklmnop leaked")).toBe("token *** leaked");
  });
});
