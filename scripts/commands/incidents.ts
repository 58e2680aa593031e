import { incidentSummary } from "../../actions/incident/summary.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { incidentsRun } from "../../actions/shared/cycle/run.ts";
import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, common, ExitError, parse, runContext } from "../cli/context.ts";

/**
 * `ops incidents`: the incident step alone, on the stored reports/latest.json — reconcile with the
 * open issues, open/update/escalate/close, write incidents/ records, notify. `--now` replays a run
 * at a given time; `--dry-run` prints every issue operation and notification and changes nothing.
 * GitHub comes from GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL.
 */
export async function incidentsCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {});
  const opts = common(values, deps);
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  const redactor = createRedactor();
  // Registers every secret value the config refers to, so none can leak into issues or output.
  resolveSecrets(config, deps.env, redactor);
  const run = await incidentsRun(runContext(opts, config, deps, redactor));
  if (run.kind === "no-state") {
    throw new ExitError(
      2,
      `no usable reports/latest.json under ${opts.dataDir} (${run.problem}); run \`ops run\` first or pass --data`,
    );
  }
  const result = run.value;
  if (opts.json) {
    const open = Object.values(result.latest.incidents).filter((i) => i.state === "open");
    const out = {
      open: open.map((i) => ({ key: i.key, number: i.number, severity: i.severity })),
      operations: result.operations,
      notifications: result.notifications,
      errors: result.errors,
      ...(result.skipped && { skipped: result.skipped }),
    };
    deps.io.out(`${redactor.scrub(JSON.stringify(out, null, 2))}\n`);
  } else {
    deps.io.out(incidentSummary(result, redactor.scrub));
  }
  return 0;
}
