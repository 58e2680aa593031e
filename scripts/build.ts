/**
 * `npm run build`: the ops CLI as an esbuild bundle in dist/ (ignored by git, never committed).
 * The monitor workflow builds it after its production install and runs `node dist/ops.js`: one
 * file per lazily loaded part instead of about 450 module files to resolve (for `ops run`) and,
 * on a fresh runner, 160 TypeScript files to strip, so each command starts 0.17-0.32 s sooner
 * there (docs/performance.md).
 * `node scripts/ops.ts` runs the same code from the sources, and is what the tests run.
 *
 * Options: --outdir DIR (default dist). Needs Node with type stripping (24) or tsx.
 */
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const REPO = resolve(import.meta.dirname, "..");

/** Builds the CLI into `outdir` (emptied first, so no chunk of an older build is left) and returns its entry. */
export async function buildCli(outdir = join(REPO, "dist")): Promise<string> {
  await rm(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: REPO,
    entryPoints: { ops: "scripts/ops.ts" },
    outdir,
    bundle: true,
    // A chunk for each dynamic import (commands, probe kinds, later steps, Octokit), so a command
    // loads no more than it does from the sources.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // The CommonJS dependencies (undici, yaml, pg, …) require() Node's built-ins; an ES module
    // has no require of its own.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  return join(outdir, "ops.js");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: "string" } } });
  const t0 = performance.now();
  const entry = await buildCli(values.outdir ? resolve(values.outdir) : undefined);
  console.log(`built ${entry} in ${Math.round(performance.now() - t0)} ms`);
}
