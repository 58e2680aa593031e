import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * A Node 24 to run the entries by type stripping, as the lean workflows do: this process's own when
 * it is 24, else the one `.ci/run` installs from the npm registry's `node` package into .ci/node24.
 * Shared by bench:cold and the lean-install test.
 */
export function findNode24(
  repoRoot: string,
  current: { version: string; execPath: string } = process,
): { ok: true; path: string; source: string } | { ok: false; reason: string } {
  if (current.version.startsWith("v24.")) return { ok: true, path: current.execPath, source: "this process" };
  const installed = join(repoRoot, ".ci", "node24", "node_modules", ".bin", "node");
  if (existsSync(installed)) return { ok: true, path: installed, source: ".ci/node24" };
  return {
    ok: false,
    reason: `no Node 24 (this is ${current.version} and ${installed} is missing): npm install --prefix .ci/node24 --no-save node@24 (.ci/run does), or run the tests on Node 24`,
  };
}
