import { resolve } from "node:path";
import { buildSite } from "../../actions/report/site/build.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, parse } from "../cli/context.ts";

/**
 * `ops site [--data DIR] [--out DIR] [--now ISO]`: builds the static status site (docs/site.md)
 * from the committed data into a folder (default `_site`), as the Pages workflow does.
 */
export async function siteCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, { out: { type: "string", default: "_site" } });
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  const redactor = createRedactor();
  resolveSecrets(config, deps.env, redactor);
  const out = await buildSite({
    config,
    dataDir: opts.dataDir,
    outDir: resolve(deps.cwd, values.out as string),
    now: opts.runAt.getTime(),
    log: cliLog(deps.io),
    redactor,
  });
  if (opts.json) deps.io.out(`${JSON.stringify(out, null, 2)}\n`);
  else
    deps.io.out(
      `wrote ${out.files.length} files (${(out.bytes / 1024).toFixed(0)} KiB; index.html ${(out.homeBytes / 1024).toFixed(0)} KiB) to ${values.out}\n`,
    );
  return 0;
}
