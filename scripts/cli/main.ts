import { readFileSync } from "node:fs";
import { packageRoot } from "../../actions/shared/package-root.ts";
import { COMMON, type CliDeps, ExitError, USAGE_HINT } from "./context.ts";
import { HelpRequested, optionLines, type OptionTable } from "./options.ts";

type Command = (argv: string[], deps: CliDeps) => Promise<number>;

/**
 * One line per command. `load` imports the command's module only when that command runs, so
 * `ops validate` never loads Octokit, pg or undici (see `npm run bench:startup`); an eager `run`
 * works too.
 */
type Entry = { help: string; args?: string } & ({ run: Command } | { load: () => Promise<Command> });

const COMMANDS: Record<string, Entry> = {
  run: {
    load: async () => (await import("../commands/run.ts")).runCommand,
    help: "probe, evaluate and store; then incidents and reports",
  },
  probe: {
    load: async () => (await import("../commands/probe.ts")).probeCommand,
    help: "probe and print; write nothing (--shard i/N: one matrix shard, as JSON)",
  },
  incidents: {
    load: async () => (await import("../commands/incidents.ts")).incidentsCommand,
    help: "the incident step alone, on the stored latest.json",
  },
  report: {
    load: async () => (await import("../commands/report.ts")).reportCommand,
    help: "regenerate every report from the stored data (--force, --dry-run)",
  },
  commit: {
    load: async () => (await import("../commands/commit.ts")).commitCommand,
    help: "commit what the run wrote and push with fetch + rebase + retry",
  },
  plan: {
    load: async () => (await import("../commands/plan.ts")).planCommand,
    help: "print the monitor workflow's fan-out plan (shards × locations) for $GITHUB_OUTPUT",
  },
  merge: {
    load: async () => (await import("../commands/merge.ts")).mergeCommand,
    help: "fan-in: merge shard/location results (--from DIR) and run the rest of the cycle",
  },
  rollback: {
    load: async () => (await import("../commands/rollback.ts")).rollbackCommand,
    help: "roll a service back (see docs/rollback.md); --dry-run prints the plan",
    args: "<service>",
  },
  command: {
    load: async () => (await import("../commands/command.ts")).commandCommand,
    help: "answer a ChatOps comment on an incident issue (--event FILE, default $GITHUB_EVENT_PATH)",
  },
  validate: {
    load: async () => (await import("../commands/validate.ts")).validateCommand,
    help: "check the config (exit 2 when invalid)",
  },
  site: {
    load: async () => (await import("../commands/site.ts")).siteCommand,
    help: "build the static status site from the stored data (--out DIR, default _site)",
  },
  init: {
    load: async () => (await import("../commands/init.ts")).initCommand,
    help: "write a starter config for your own services (--service id=URL …) and regenerate the workflows for it",
  },
  workflows: {
    load: async () => (await import("../commands/workflows.ts")).workflowsCommand,
    help: "check (or --write) the workflows' secrets, rollback choices and smoke test against the config",
  },
  demo: {
    load: async () => (await import("../commands/demo.ts")).demoCommand,
    help: "start a simulated HotDash fleet on loopback and run the full cycle against it",
  },
};

const HELP = `ops — HotDash operations as CI

Usage: ops <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`)
  .join("\n")}

Options every command takes:
${optionLines(COMMON).join("\n")}

Run "ops <command> --help" for a command's own options; "ops --version" prints the version.
Exit codes: 0 the run completed (whatever the services' state), 2 invalid config or usage, 1 internal failure.
`;

/** `ops <command> --help`: the command's own options, then the common ones, a line each. */
function commandHelp(name: string, entry: Entry, options: OptionTable): string {
  const own = Object.fromEntries(Object.entries(options).filter(([k]) => !(k in COMMON)));
  return [
    `ops ${name} — ${entry.help}`,
    "",
    `Usage: ops ${name}${entry.args ? ` ${entry.args}` : ""} [options]`,
    "",
    ...(Object.keys(own).length ? ["Options:", ...optionLines(own), ""] : []),
    "Options every command takes:",
    ...optionLines(COMMON),
    "",
  ].join("\n");
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("package.json", packageRoot(import.meta.url)), "utf8")) as {
    name: string;
    version: string;
  };
  return `${pkg.name} ${pkg.version}\n`;
}

export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    deps.io.out(HELP);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    deps.io.out(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    deps.io.err(`ops: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(", ")}\n`);
    return 2;
  }
  try {
    const run = "run" in command ? command.run : await command.load();
    return await run(rest, deps);
  } catch (e) {
    if (e instanceof HelpRequested) {
      deps.io.out(commandHelp(name, command, e.options));
      return 0;
    }
    if (e instanceof ExitError) {
      deps.io.err(`ops ${name}: ${e.message.replace(USAGE_HINT, `Run "ops ${name} --help" for its options.`)}\n`);
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
