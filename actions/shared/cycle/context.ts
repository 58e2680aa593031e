import type { Clock } from "../clock.ts";
import type { OpsConfig } from "../config/schema/index.ts";
import type { Env, Redactor } from "../config/secrets.ts";
import type { Log } from "../log.ts";

/**
 * What every step of the pipeline receives. Nothing is read from the process or the network at
 * module scope: the entries (CLI commands, actions) build this and pass it in.
 */
export interface RunContext {
  config: OpsConfig;
  /** Where `reports/` and `incidents/` live (the repository root in the workflows). */
  dataDir: string;
  /** The run's time: every rule reads this one instant, so a replay gives the same bytes. */
  runAt: Date;
  /** The run's time was given (`--now`, the `now` input): it names the run being replayed. */
  replay?: boolean;
  /** Only for waiting and for measuring how long probing took. */
  clock: Clock;
  env: Env;
  log: Log;
  /** Scrubs secret values from everything that leaves the process. */
  redactor: Redactor;
  /** Print GitHub and notification operations instead of making them; write no state. */
  dryRun: boolean;
  /** Where probing reports its progress (the CLI's stderr); none by default. */
  progress?: Progress;
}

/** Progress while the fleet is probed: how many are done, and who is being confirmed until when. */
export interface Progress {
  start(total: number): void;
  done(serviceId: string): void;
  confirming(serviceId: string, until: Date): void;
  end(): void;
}

/** A clock that always reads the run's time: what the deciding steps see. */
export function frozen(ctx: Pick<RunContext, "runAt" | "clock">): Clock {
  return { now: () => new Date(ctx.runAt), sleep: (ms, signal) => ctx.clock.sleep(ms, signal) };
}

/**
 * Runs a later step: a failure is reported (scrubbed) in `errors` and logged as a warning, never
 * thrown, so what earlier steps stored is never lost.
 */
export async function guarded<T>(
  ctx: Pick<RunContext, "log" | "redactor">,
  errors: string[],
  name: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const message = ctx.redactor.scrub(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    errors.push(message);
    ctx.log.warn(message);
    return undefined;
  }
}
