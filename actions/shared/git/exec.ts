import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { ActionableError } from "../errors.ts";

/** What one git invocation printed. `code` is 0 on success. */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitCallOptions {
  /** Return a non-zero exit as data instead of throwing (for commands whose failure is expected). */
  allowFailure?: boolean;
  /** Extra environment for this call only (e.g. GIT_EDITOR for `rebase --continue`). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `git <args>` in one work tree. Injected into the commit logic so tests use real git on temp repos. */
export type Git = (args: readonly string[], opts?: GitCallOptions) => Promise<GitOutput>;

export interface CreateGitOptions {
  cwd: string;
  /** Every call is bounded: a hung fetch or push must not eat the job's whole timeout. */
  timeoutMs?: number;
  /** Base environment; defaults to the process environment. */
  env?: NodeJS.ProcessEnv;
  /** Applied to stderr/stdout in error messages (a push URL may carry a token). */
  redact?: (text: string) => string;
}

export class GitError extends Error {
  readonly args: readonly string[];
  readonly output: GitOutput;
  constructor(message: string, args: readonly string[], output: GitOutput, options?: ErrorOptions) {
    super(message, options);
    this.name = "GitError";
    this.args = args;
    this.output = output;
  }
}

/**
 * Real git through execFile (never a shell: arguments reach git as-is, nothing is interpolated).
 * Prompts are disabled so a missing credential fails at once instead of hanging the job.
 */
export function createGit(options: CreateGitOptions): Git {
  const { cwd, timeoutMs = 60_000, redact = (t) => t } = options;
  const baseEnv = { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  return (args, opts = {}) =>
    new Promise((resolve, reject) => {
      execFile(
        "git",
        [...args],
        {
          cwd,
          env: { ...baseEnv, ...opts.env },
          timeout: opts.timeoutMs ?? timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
          encoding: "utf8",
        },
        (error, stdout, stderr) => {
          const code = error ? exitCode(error) : 0;
          const output = { code, stdout: redact(stdout), stderr: redact(stderr) };
          // Never an expected failure, even where failures are data: the setup is wrong.
          const setup = error ? setupProblem(cwd, output.stderr, error) : undefined;
          if (setup) return reject(setup);
          if (!error || (opts.allowFailure && !isSpawnFailure(error))) return resolve(output);
          const why = error.killed ? `timed out after ${opts.timeoutMs ?? timeoutMs} ms` : `exited with ${code}`;
          const detail = output.stderr.trim() || output.stdout.trim() || redact(error.message);
          reject(new GitError(`git ${args[0] ?? ""} ${why}: ${lastLines(detail)}`, args, output, { cause: error }));
        },
      );
    });
}

/**
 * The failures that mean git cannot work here at all, as errors that say what to do: no git on
 * PATH, a directory outside any work tree, a repository git refuses for its owner.
 */
export function setupProblem(
  cwd: string,
  stderr: string,
  error: Error & { code?: unknown },
): ActionableError | undefined {
  if (error.code === "ENOENT" && !stderr) {
    if (!existsSync(cwd))
      return new ActionableError(
        2,
        `${cwd} does not exist; pass --data DIR pointing into a clone of the ops repository`,
        { cause: error },
      );
    return new ActionableError(
      2,
      `git is not installed or not on PATH; install git (Debian/Ubuntu: apt-get install git) and run again`,
      { cause: error },
    );
  }
  if (/not a git repository/i.test(stderr)) {
    return new ActionableError(
      2,
      `${cwd} is not inside a git work tree, so there is nothing to commit to: run this in a clone of the ops repository (the monitor workflow's checkout), or pass --data DIR pointing into one`,
      { cause: error },
    );
  }
  if (/detected dubious ownership/i.test(stderr)) {
    return new ActionableError(
      2,
      `git refuses the repository at ${cwd} because another user owns it; trust it with: git config --global --add safe.directory ${cwd}`,
      { cause: error },
    );
  }
  return undefined;
}

function exitCode(error: Error & { code?: unknown }): number {
  return typeof error.code === "number" ? error.code : -1;
}

/** git missing from PATH or a timeout: never "expected", always thrown. */
function isSpawnFailure(error: Error & { code?: unknown; killed?: boolean }): boolean {
  return typeof error.code !== "number" || error.killed === true;
}

export function lastLines(text: string, n = 6): string {
  const lines = text.trim().split("\n");
  return lines.slice(-n).join("\n");
}
