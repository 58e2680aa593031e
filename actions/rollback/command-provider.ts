/**
 * The `command` provider, for teams that roll back with flyctl or another CLI: an argv template
 * from ops.config.yml with `{target}` and `{service}` filled in, run WITHOUT a shell (execFile),
 * after the target has matched the provider's `targetPattern`. Each template element stays one
 * argument whatever it contains, so a target can never become a second command.
 */
import { execFile } from "node:child_process";
import { basename } from "node:path";
import type { Clock } from "../shared/clock.ts";
import type { Env, Redactor } from "../shared/config/secrets.ts";
import { InputError } from "./inputs.ts";

export interface CommandRollback {
  provider: "command";
  command: string[];
  targetPattern: string;
}

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "fish", "cmd", "cmd.exe", "powershell", "pwsh", "busybox"]);

/** Fills the template. Throws an InputError naming the input for a bad target. */
export function buildCommandArgv(
  rollback: CommandRollback,
  vars: { service: string; target?: string | undefined },
): string[] {
  const [program, ...rest] = rollback.command;
  if (!program) throw new Error("rollback.command is empty; give the program and its arguments as a list");
  if (SHELLS.has(basename(program)) && rest.some((a) => /^[-/]c$|^-\w*c\w*$|^-Command$/i.test(a))) {
    throw new Error(
      `rollback.command runs a shell (${program} ${rest.find((a) => a.startsWith("-") || a.startsWith("/"))}); the target would be parsed by it. Call the program directly, e.g. ["flyctl", "deploy", "--image", "{target}"]`,
    );
  }
  const usesTarget = rollback.command.some((a) => a.includes("{target}"));
  if (vars.target === undefined && usesTarget) {
    throw new InputError([
      `input "target": required for ${vars.service}: its rollback command needs {target} (a release version or image reference)`,
    ]);
  }
  if (vars.target !== undefined) {
    if (!usesTarget)
      throw new InputError([
        `input "target": ${vars.service}'s rollback command takes no target (no {target} in it); leave the input empty`,
      ]);
    const pattern = compilePattern(rollback.targetPattern);
    if (!pattern.test(vars.target)) {
      throw new InputError([
        `input "target": "${vars.target}" does not match ${vars.service}'s targetPattern ${pattern.source}`,
      ]);
    }
  }
  return rollback.command.map((arg) =>
    arg.replaceAll("{target}", vars.target ?? "").replaceAll("{service}", vars.service),
  );
}

/** The whole target must match: the pattern is anchored even if the config forgot ^ and $. */
export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch (cause) {
    throw new Error(`rollback.targetPattern "${pattern}" is not a valid regular expression`, { cause });
  }
}

export interface CommandResult {
  ok: boolean;
  argv: string[];
  exitCode: number | null;
  signal?: string;
  /** Last part of each stream, secrets scrubbed. */
  stdout: string;
  stderr: string;
  error?: string;
  durationMs: number;
}

export interface RunCommandOptions {
  clock: Clock;
  env: Env;
  redactor: Redactor;
  cwd?: string;
  timeoutMs?: number;
  /** Bytes kept from each stream for the record. */
  keepBytes?: number;
}

/** Runs argv without a shell. Never throws: a failure to run is a result with `ok: false`. */
export function runRollbackCommand(argv: string[], opts: RunCommandOptions): Promise<CommandResult> {
  const started = opts.clock.now().getTime();
  const keep = opts.keepBytes ?? 4_000;
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    execFile(
      program!,
      args,
      {
        shell: false,
        timeout: timeoutMs,
        killSignal: "SIGTERM",
        maxBuffer: 16 * 1024 * 1024,
        env: Object.fromEntries(Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined)),
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const tail = (s: string) => opts.redactor.scrub(s.length > keep ? `…${s.slice(-keep)}` : s);
        const result: CommandResult = {
          ok: !error,
          argv: argv.map((a) => opts.redactor.scrub(a)),
          exitCode: error ? (typeof error.code === "number" ? error.code : null) : 0,
          stdout: tail(String(stdout)),
          stderr: tail(String(stderr)),
          durationMs: opts.clock.now().getTime() - started,
        };
        if (error) {
          if (error.signal) result.signal = error.signal;
          result.error =
            error.code === "ENOENT"
              ? `program not found: ${program}; install it in the workflow before the rollback step`
              : error.killed && error.signal
                ? `killed by ${error.signal} after the ${Math.round(timeoutMs / 1000)} s timeout`
                : opts.redactor.scrub(`exited with code ${String(error.code)}`);
        }
        resolve(result);
      },
    );
  });
}
