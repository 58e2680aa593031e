import { loadConfigOrExit } from "../cli/config.ts";
import { type CliDeps, cliLog, common, ExitError, parse } from "../cli/context.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { readLatest, writeLatest } from "../../actions/shared/store/latest.ts";
import { runIncidentStep } from "../../actions/incident/setup.ts";
import { incidentSummary } from "../../actions/incident/summary.ts";

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
  const log = cliLog(deps.io);
  const read = await readLatest(opts.dataDir, opts.runAt, log);
  if (read.kind !== "ok") {
    throw new ExitError(2, `no usable reports/latest.json under ${opts.dataDir} (${read.kind}); run \`ops run\` first or pass --data`);
  }
  const redactor = createRedactor();
  // Registers every secret value the config refers to, so none can leak into issues or output.
  resolveSecrets(config, deps.env, redactor);
  const at = opts.runAt;
  const result = await runIncidentStep({
    config,
    latest: read.latest,
    env: deps.env,
    dataDir: opts.dataDir,
    clock: { now: () => new Date(at), sleep: opts.clock.sleep },
    dryRun: opts.dryRun,
    redactor,
    log: (line) => deps.io.err(`${redactor.scrub(line)}\n`),
  });
  if (!opts.dryRun && !result.skipped) await writeLatest(opts.dataDir, result.latest);
  if (opts.json) {
    const open = Object.values(result.latest.incidents).filter((i) => i.state === "open");
    const out = { open: open.map((i) => ({ key: i.key, number: i.number, severity: i.severity })), operations: result.operations, notifications: result.notifications, errors: result.errors, ...(result.skipped && { skipped: result.skipped }) };
    deps.io.out(`${redactor.scrub(JSON.stringify(out, null, 2))}\n`);
  } else {
    deps.io.out(incidentSummary(result, redactor.scrub));
  }
  return 0;
}
