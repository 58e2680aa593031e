import { resolve } from "node:path";
import { type Clock, offsetClock, systemClock } from "../../actions/shared/clock.ts";
import type { RunContext } from "../../actions/shared/cycle/context.ts";
import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import type { Env, Redactor } from "../../actions/shared/config/secrets.ts";
import type { Log } from "../../actions/shared/log.ts";
import { type OptionTable, parseOptions, UsageError } from "./options.ts";
import { cliProgress } from "./progress.ts";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What every command receives: nothing is read from the process inside a command. */
export interface CliDeps {
  env: Env;
  cwd: string;
  io: Io;
  /** Tests inject a clock; otherwise the system clock (or `--now`). */
  clock?: Clock;
  /** Standard output is a terminal that takes colour (not piped, NO_COLOR unset). */
  colour?: boolean;
}

/**
 * An error that ends the command with a chosen exit code (2: bad usage or config), printed as its
 * message alone. The same class as the shared modules' ActionableError, so an error they raise for
 * something the user can fix (e.g. not a git work tree) reads as clearly as the CLI's own.
 */
export { ActionableError as ExitError } from "../../actions/shared/errors.ts";
import { ActionableError as ExitError } from "../../actions/shared/errors.ts";

export const USAGE_HINT = 'Run "ops help" for usage.';
export const usage = (message: string) => new ExitError(2, `${message}\n${USAGE_HINT}`);

/** Options every command understands. */
export const COMMON = {
  config: { type: "string", default: "ops.config.yml", arg: "FILE", help: "the config file" },
  data: {
    type: "string",
    arg: "DIR",
    help: "where reports/ and incidents/ are read and written (default: the current directory)",
  },
  now: {
    type: "string",
    arg: "ISO",
    help: "run as if the clock read ISO; the run's time is exactly this, so replays are deterministic",
  },
  only: { type: "string", arg: "ID,…", help: "only these service ids" },
  json: { type: "boolean", default: false, help: "print JSON" },
  "dry-run": {
    type: "boolean",
    default: false,
    help: "print every GitHub and notification operation instead of making it",
  },
  help: { type: "boolean", short: "h", default: false, help: "print this command's options" },
} as const satisfies OptionTable;

export interface Common {
  configFile: string;
  dataDir: string;
  clock: Clock;
  /** The run's time: exactly `--now` when given, so replays are deterministic. */
  runAt: Date;
  /** `--now` was given. */
  replay: boolean;
  only?: string[];
  json: boolean;
  dryRun: boolean;
}

/**
 * Parses a command's arguments against its options and the common ones. `--help` ends the command
 * with its help (main prints it); an unknown option or a missing value ends it with exit 2 and a
 * message naming the option and the valid ones.
 */
export function parse<O extends OptionTable>(argv: string[], options: O) {
  try {
    return parseOptions(argv, { ...COMMON, ...options });
  } catch (e) {
    if (e instanceof UsageError) throw usage(e.message);
    throw e;
  }
}

export function common(values: Record<string, unknown>, deps: CliDeps): Common {
  const now = values.now as string | undefined;
  let clock = deps.clock ?? systemClock;
  let runAt = clock.now();
  if (now !== undefined) {
    runAt = new Date(now);
    if (Number.isNaN(runAt.getTime()))
      throw usage(`--now: expected an ISO date such as 2026-11-22T10:00:00Z, found "${now}"`);
    clock = offsetClock(runAt, clock);
  }
  const only = values.only as string | undefined;
  return {
    configFile: resolve(deps.cwd, values.config as string),
    dataDir: resolve(deps.cwd, (values.data as string | undefined) ?? "."),
    clock,
    runAt,
    replay: now !== undefined,
    ...(only !== undefined && {
      only: only
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    }),
    json: values.json === true,
    dryRun: values["dry-run"] === true,
  };
}

/** Log lines go to stderr so stdout stays the command's output (a table or JSON). */
export function cliLog(io: Io): Log {
  return { info: (m) => io.err(`${m}\n`), warn: (m) => io.err(`warning: ${m}\n`) };
}

/** What the pipeline's steps receive, from the command's options. */
export function runContext(opts: Common, config: OpsConfig, deps: CliDeps, redactor: Redactor): RunContext {
  return {
    config,
    dataDir: opts.dataDir,
    runAt: opts.runAt,
    replay: opts.replay,
    clock: opts.clock,
    env: deps.env,
    log: cliLog(deps.io),
    redactor,
    dryRun: opts.dryRun,
    progress: cliProgress(deps.io, deps.env, deps.colour === true, () => opts.clock.now()),
  };
}
