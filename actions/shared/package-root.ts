import { existsSync } from "node:fs";

/**
 * The folder of this project's package.json, found by walking up from the module that asks
 * (`import.meta.url`): the sources (actions/incident/template.ts) and the CLI bundle that
 * `npm run build` writes (dist/*.js) sit at different depths, so a fixed "../../" cannot serve
 * both. Files of the repository (package.json, the incident template) are read relative to it.
 * With no package.json above, the module's own folder: reading the file then fails, naming it.
 */
export function packageRoot(from: string | URL): URL {
  const start = new URL(".", from);
  for (let dir = start; ; ) {
    if (existsSync(new URL("package.json", dir))) return dir;
    const parent = new URL("..", dir);
    if (parent.href === dir.href) return start;
    dir = parent;
  }
}
