import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ActionableError } from "../../actions/shared/errors.ts";
import { createGit } from "../../actions/shared/git/exec.ts";
import { main } from "../../scripts/cli/main.ts";

// Real git in a directory that is no work tree (GIT_CEILING_DIRECTORIES stops the search for one
// above it, wherever the temp directory lives).
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function bare(): string {
  const dir = mkdtempSync(join(tmpdir(), "ops-no-repo-"));
  dirs.push(dir);
  return dir;
}
const env = (dir: string) => ({ ...process.env, GIT_CEILING_DIRECTORIES: dir });

describe("git outside a work tree", () => {
  it("is an ActionableError that says where and what to do, even for calls whose failures are data", async () => {
    const dir = bare();
    const git = createGit({ cwd: dir, env: env(dir) });
    for (const allowFailure of [false, true]) {
      const error = await git(["show", "HEAD:./reports/latest.json"], { allowFailure }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionableError);
      expect((error as ActionableError).code).toBe(2);
      expect((error as Error).message).toBe(
        `${dir} is not inside a git work tree, so there is nothing to commit to: run this in a clone of the ops repository (the monitor workflow's checkout), or pass --data DIR pointing into one`,
      );
    }
  });

  it("a directory that does not exist says so", async () => {
    const dir = join(bare(), "gone");
    await expect(createGit({ cwd: dir })(["status"])).rejects.toThrow(`${dir} does not exist; pass --data DIR`);
  });

  it("ops commit prints one clear line and exits 2, no stack trace", async () => {
    const dir = bare();
    let err = "";
    const code = await main(["commit", "--data", dir, "--no-push"], {
      env: env(dir),
      cwd: dir,
      io: { out: () => {}, err: (t) => void (err += t) },
    });
    expect(code).toBe(2);
    expect(err).toBe(
      `ops commit: ${dir} is not inside a git work tree, so there is nothing to commit to: run this in a clone of the ops repository (the monitor workflow's checkout), or pass --data DIR pointing into one\n`,
    );
  });
});
