import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, ExitError, parse, usage } from "../cli/context.ts";
import { EXPECTED_REGIONS, regenerate, regionsIn } from "../workflows/generate.ts";

export interface WorkflowsResult {
  /** Files whose generated parts differ from the config's (or that lost a region). */
  stale: string[];
  /** The regenerated text of every workflow file that has regions. */
  files: Record<string, string>;
}

/** Regenerates the config-mirroring parts of every workflow in `dir`; writes nothing. */
export async function checkWorkflows(dir: string, config: Parameters<typeof regenerate>[2]): Promise<WorkflowsResult> {
  const stale: string[] = [];
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = await readFile(join(dir, name), "utf8");
    const expected = EXPECTED_REGIONS[name];
    if (expected && regionsIn(text).join() !== expected.join()) {
      throw new ExitError(
        2,
        `${join(dir, name)}: expected the generated regions ${expected.join(", ")}, found ${regionsIn(text).join(", ") || "none"}; restore the "# ops-generated:" marker lines`,
      );
    }
    if (!regionsIn(text).length) continue;
    let next: string;
    try {
      next = regenerate(text, join(dir, name), config);
    } catch (error) {
      throw new ExitError(2, (error as Error).message, { cause: error });
    }
    files[name] = next;
    if (next !== text) stale.push(name);
  }
  return { stale, files };
}

/**
 * `ops workflows [--write]`: the workflows' lists that mirror the config — the secrets each job
 * passes, the rollback service choices, ci.yml's rollback smoke test — regenerated from the config.
 * Without --write it only checks, and exits 1 naming the stale files (a test runs it).
 */
export async function workflowsCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {
    write: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    dir: { type: "string" },
  });
  if (values.write && values.check) throw usage("--write and --check: give one");
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  const dir = resolve(deps.cwd, typeof values.dir === "string" ? values.dir : ".github/workflows");
  const { stale, files } = await checkWorkflows(dir, config);
  if (values.write) {
    for (const name of stale) await writeFile(join(dir, name), files[name]!);
    deps.io.out(
      stale.length
        ? `updated from ${opts.configFile}: ${stale.join(", ")}\n`
        : `workflows already match ${opts.configFile}\n`,
    );
    return 0;
  }
  if (!stale.length) {
    deps.io.out(`workflows match ${opts.configFile}\n`);
    return 0;
  }
  deps.io.err(
    `ops workflows: ${stale.join(", ")} no longer match ${opts.configFile} (secrets passed, rollback services or the smoke test); run: npm run ops -- workflows --write\n`,
  );
  return 1;
}
