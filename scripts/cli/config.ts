import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { type ConfigError, formatConfigErrors, loadConfig } from "../../actions/shared/config/load.ts";
import { ExitError, type Io } from "./context.ts";

/**
 * Loads and validates the config file; an invalid one ends the command with exit code 2 and every
 * error listed. Warnings (placeholder logins, literal credentials) go to stderr.
 */
export async function loadConfigOrExit(file: string, io?: Io): Promise<OpsConfig> {
  const result = loadConfig(file);
  if (io && result.warnings.length) io.err(`${formatConfigErrors(result.warnings).replace(/^/gm, "warning: ")}\n`);
  if (result.ok) return result.config;
  throw new ExitError(
    2,
    `${file}: ${result.errors.length} error(s) in the configuration\n${formatConfigErrors(result.errors)}`,
  );
}

export type { ConfigError };

/** Checks `--only` names services that exist. */
export function checkOnly(config: OpsConfig, only: string[] | undefined): void {
  if (!only) return;
  const known = new Set(config.services.map((s) => s.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new ExitError(
      2,
      `--only: unknown service(s) ${unknown.join(", ")}; expected ids from ${[...known].join(", ")}`,
    );
  }
}
