import { type ConfigError, loadConfig } from "./load.ts";

/** Test helpers for config errors (not a test file itself). */

/** 1-based line and column of the nth occurrence of `needle` (found independently of the yaml package). */
export function pos(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not in the test YAML`);
  const before = text.slice(0, at).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** The errors of a config text that must be invalid. */
export function errorsOf(text: string): ConfigError[] {
  const r = loadConfig("ops.config.yml", text);
  if (r.ok) throw new Error("expected the config to be invalid");
  return r.errors;
}
