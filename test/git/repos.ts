import { mkdtemp, mkdir, readFile, rm, writeFile, appendFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createGit, type Git } from "../../actions/shared/git/exec.ts";

/** A bare "GitHub" repository and helpers to clone it, all in one temp dir; real git throughout. */
export interface Sandbox {
  root: string;
  remote: string;
  /** `depth` clones shallow over file:// like actions/checkout (fetch-depth: 1). */
  clone(name: string, depth?: number): Promise<Clone>;
  /** Installs a pre-receive hook on the bare repo (to emulate branch protection). */
  hook(script: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface Clone {
  dir: string;
  git: Git;
  write(path: string, text: string): Promise<void>;
  append(path: string, text: string): Promise<void>;
  read(path: string): Promise<string>;
}

const ATTRIBUTES =
  "reports/** linguist-generated=true\nreports/history/*.jsonl merge=union\nREADME.md ops-merge=upstream\n";
export const README = "# Ops\n\nWritten by people.\n\n<!-- status -->\nall up\n<!-- /status -->\n";
const ME = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};

export async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "ops-git-"));
  const remote = join(root, "remote.git");
  // Isolated from the developer's ~/.gitconfig (signing, hooks, default branch).
  const env = {
    ...process.env,
    ...ME,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(root, "gitconfig"),
  };
  await writeFile(join(root, "gitconfig"), "[init]\n\tdefaultBranch = main\n");
  const top = createGit({ cwd: root, env });
  await top(["init", "--quiet", "--bare", "-b", "main", remote]);

  const clone = async (name: string, depth?: number): Promise<Clone> => {
    const dir = join(root, name);
    const shallow = depth ? ["--depth", String(depth), `file://${remote}`] : [remote];
    await top(["clone", "--quiet", ...shallow, dir]);
    const git = createGit({ cwd: dir, env });
    return {
      dir,
      git,
      write: async (p, text) => {
        await mkdir(dirname(join(dir, p)), { recursive: true });
        await writeFile(join(dir, p), text);
      },
      append: async (p, text) => {
        await mkdir(dirname(join(dir, p)), { recursive: true });
        await appendFile(join(dir, p), text);
      },
      read: (p) => readFile(join(dir, p), "utf8"),
    };
  };

  const seed = await clone("seed");
  await seed.write(".gitattributes", ATTRIBUTES);
  await seed.write("ops.config.yml", "title: Status\n");
  await seed.write("reports/latest.json", '{"runs":0}\n');
  await seed.write("reports/STATUS.md", "# Status\n0 records\n");
  await seed.write("README.md", README);
  await seed.git(["add", "."]);
  await seed.git(["commit", "--quiet", "-m", "seed"]);
  await seed.git(["push", "--quiet", "origin", "HEAD:main"]);

  return {
    root,
    remote,
    clone,
    hook: async (script) => {
      const path = join(remote, "hooks", "pre-receive");
      await writeFile(path, `#!/bin/sh\n${script}\n`);
      await chmod(path, 0o755);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Lines of a file as the bare remote's main branch has it. */
export async function remoteFile(box: Sandbox, path: string): Promise<string> {
  const git = createGit({ cwd: box.remote });
  return (await git(["show", `main:${path}`])).stdout;
}

export async function remoteLog(box: Sandbox): Promise<string[]> {
  const git = createGit({ cwd: box.remote });
  return (await git(["log", "--format=%an|%s", "main"])).stdout.trim().split("\n");
}
