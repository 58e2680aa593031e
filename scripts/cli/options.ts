import { parseArgs } from "node:util";
import { nearest } from "../../actions/shared/config/nearest.ts";

/**
 * A command's options: Node's parseArgs options, each with a line of help. The same table parses
 * the arguments, answers `ops <command> --help`, and lists the valid options when one is unknown,
 * so an option cannot exist without appearing in the help.
 */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
  /** One line: what the option does. */
  help: string;
  /** The value's placeholder in the help (`--from DIR`); string options only. */
  arg?: string;
  /** May be given more than once (its value is then an array). */
  multiple?: boolean;
}
export type OptionTable = Record<string, OptionSpec>;

/** `ops <command> --help` (or -h): the command parses nothing else and prints its help. */
export class HelpRequested extends Error {
  readonly options: OptionTable;
  constructor(options: OptionTable) {
    super("help requested");
    this.options = options;
  }
}

/** A usage error: the message names what was wrong and what is valid. */
export class UsageError extends Error {}

export function parseOptions<O extends OptionTable>(argv: string[], options: O) {
  if (argv.some((a) => a === "--help" || a === "-h")) throw new HelpRequested(options);
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(explain(e as Error & { code?: string }, options), { cause: e });
  }
}

/** Node's parseArgs texts ("Unknown option '--form'. To specify a positional …") in our words. */
function explain(e: Error & { code?: string }, options: OptionTable): string {
  const named = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1];
  const valid = `valid options: ${Object.keys(options)
    .map((k) => `--${k}`)
    .join(", ")}`;
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && named) {
    const name = named.replace(/^-+/, "").split("=")[0]!;
    const guess = nearest(name, Object.keys(options));
    return `unknown option ${named}${guess ? ` (did you mean --${guess}?)` : ""}; ${valid}`;
  }
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && named) {
    const name = named.replace(/^-+/, "");
    const spec = options[name];
    if (spec?.type === "string") return `--${name} needs a value (${spec.arg ?? "VALUE"}): ${spec.help}`;
    if (spec?.type === "boolean") return `--${name} is a switch and takes no value; write --${name} alone`;
  }
  return `${e.message}; ${valid}`;
}

/** The option lines of a help text, aligned. */
export function optionLines(options: OptionTable): string[] {
  const left = Object.entries(options).map(
    ([name, o]) => `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.arg ?? "VALUE"}` : ""}`,
  );
  const width = Math.max(...left.map((l) => l.length));
  return Object.values(options).map((o, i) => {
    const shown = typeof o.default === "string" && o.default !== "" ? ` (default ${o.default})` : "";
    return `  ${left[i]!.padEnd(width)}  ${o.help}${shown}`;
  });
}
