import { loadConfig } from "../../actions/shared/config/load.ts";
import { shortSecrets } from "../../actions/shared/config/secrets.ts";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, parse } from "../cli/context.ts";

/**
 * `ops validate`: checks the config; exit 2 with every error listed when it is invalid, or when a
 * secret it refers to is set to a value too short to be hidden in output.
 */
export async function validateCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  const short = shortSecrets(config, deps.env);
  if (short.length) {
    deps.io.err(`${opts.configFile}: ${short.join("\n")}\n`);
    return 2;
  }
  const kinds = new Map<string, number>();
  for (const s of config.services) kinds.set(s.probe.type, (kinds.get(s.probe.type) ?? 0) + 1);
  const summary = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ");
  // Loaded again (it is cheap) for the ids left out; loadConfigOrExit hands back the running config only.
  const again = loadConfig(opts.configFile);
  const disabled =
    again.ok && again.disabled.length ? `; ${again.disabled.length} disabled (${again.disabled.join(", ")})` : "";
  deps.io.out(
    `${opts.configFile}: valid — ${config.services.length} services (${summary}), ${config.groups.length} groups${disabled}\n`,
  );
  return 0;
}
