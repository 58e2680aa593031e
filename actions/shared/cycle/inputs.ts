import { resolve } from "node:path";
import { systemClock } from "../clock.ts";
import { formatConfigErrors, loadConfig } from "../config/load.ts";
import { createRedactor, type Env } from "../config/secrets.ts";
import type { Log } from "../log.ts";
import type { RunContext } from "./context.ts";

/**
 * The run context of an action, from its inputs (`config`, `data`, `now`, `dry-run`); knows nothing
 * of @actions/core: the entry passes its input reader and logger in. Empty inputs mean "not given".
 */
export function contextFromInputs(input: (name: string) => string, log: Log, env: Env): RunContext {
  const file = resolve(input("config") || "ops.config.yml");
  const loaded = loadConfig(file);
  if (!loaded.ok) throw new Error(`invalid configuration in ${file}\n${formatConfigErrors(loaded.errors)}`);
  const config = loaded.config;
  const now = input("now");
  const runAt = now ? new Date(now) : systemClock.now();
  if (Number.isNaN(runAt.getTime()))
    throw new Error(`input "now": expected an ISO time such as 2026-11-22T10:00:00Z, found "${now}"`);
  return {
    config,
    dataDir: resolve(input("data") || "."),
    runAt,
    replay: !!now,
    clock: systemClock,
    env,
    log,
    redactor: createRedactor(),
    dryRun: input("dry-run") === "true",
  };
}
