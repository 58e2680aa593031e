import { commandCommand } from "../commands/command.ts";
import { commitCommand } from "../commands/commit.ts";
import { incidentsCommand } from "../commands/incidents.ts";
import { mergeCommand } from "../commands/merge.ts";
import { planCommand } from "../commands/plan.ts";
import { probeCommand } from "../commands/probe.ts";
import { reportCommand } from "../commands/report.ts";
import { rollbackCommand } from "../commands/rollback.ts";
import { runCommand } from "../commands/run.ts";
import { validateCommand } from "../commands/validate.ts";
import { type CliDeps, ExitError } from "./context.ts";

type Command = (argv: string[], deps: CliDeps) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  run: { run: runCommand, help: "probe, evaluate and store; then incidents and reports" },
  probe: { run: probeCommand, help: "probe and print; write nothing (--shard i/N: one matrix shard, as JSON)" },
  incidents: { run: incidentsCommand, help: "the incident step alone, on the stored latest.json" },
  report: { run: reportCommand, help: "regenerate every report from the stored data (--force, --dry-run)" },
  commit: { run: commitCommand, help: "commit what the run wrote and push with fetch + rebase + retry" },
  plan: { run: planCommand, help: "print the monitor workflow's fan-out plan (shards × locations) for $GITHUB_OUTPUT" },
  merge: { run: mergeCommand, help: "fan-in: merge shard/location results (--from DIR) and run the rest of the cycle" },
  rollback: {
    run: (argv, deps) => rollbackCommand(argv, deps),
    help: "roll a service back (see docs/rollback.md); --dry-run prints the plan",
  },
  command: {
    run: commandCommand,
    help: "answer a ChatOps comment on an incident issue (--event FILE, default $GITHUB_EVENT_PATH)",
  },
  validate: { run: validateCommand, help: "check the config (exit 2 when invalid)" },
  site: {
    run: async (argv, deps) => (await import("../commands/site.ts")).siteCommand(argv, deps),
    help: "build the static status site from the stored data (--out DIR, default _site)",
  },
  init: {
    run: async (argv, deps) => (await import("../commands/init.ts")).initCommand(argv, deps),
    help: "write a starter config for your own services (--service id=URL …) and regenerate the workflows for it",
  },
  workflows: {
    run: async (argv, deps) => (await import("../commands/workflows.ts")).workflowsCommand(argv, deps),
    help: "check (or --write) the workflows' secrets, rollback choices and smoke test against the config",
  },
  // Loaded on demand: the demo's simulated GitHub needs dev dependencies a production install lacks.
  demo: {
    run: async (argv, deps) => (await import("../commands/demo.ts")).demoCommand(argv, deps),
    help: "start a simulated HotDash fleet on loopback and run the full cycle against it",
  },
};

const HELP = `ops — HotDash operations as CI

Usage: ops <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`)
  .join("\n")}

Options:
  --config FILE   config file (default ops.config.yml)
  --data DIR      where reports/ and incidents/ are written (default: the current directory)
  --now ISO       run as if the clock read ISO (replays are deterministic)
  --only a,b      only these service ids
  --json          machine-readable output
  --dry-run       print every GitHub/notification operation instead of making it

Exit codes: 0 the run completed (whatever the services' state), 2 invalid config or usage, 1 internal failure.
`;

export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    deps.io.out(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    deps.io.err(`ops: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(", ")}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    deps.io.out(HELP);
    return 0;
  }
  try {
    return await command.run(rest, deps);
  } catch (e) {
    if (e instanceof ExitError) {
      deps.io.err(`ops ${name}: ${e.message}\n`);
      return e.code;
    }
    deps.io.err(`ops ${name}: internal failure: ${describe(e)}\n`);
    return 1;
  }
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const causes: string[] = [];
  for (let c: unknown = e.cause; c instanceof Error; c = c.cause) causes.push(c.message);
  return [e.stack ?? e.message, ...causes.map((c) => `caused by: ${c}`)].join("\n");
}
