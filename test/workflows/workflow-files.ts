import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const WORKFLOWS_DIR = resolve(import.meta.dirname, "../../.github/workflows");

/** Every workflow file in the repository, read at collection time so each gets its own test. */
export function workflowFiles(): Array<{ name: string; path: string; text: string }> {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort()
    .map((name) => {
      const path = join(WORKFLOWS_DIR, name);
      return { name, path, text: readFileSync(path, "utf8") };
    });
}
