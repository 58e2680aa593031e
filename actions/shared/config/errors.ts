/**
 * Config errors: one shape for YAML syntax errors, schema errors and semantic errors, so the CLI
 * prints them all at once, one per line, each naming the file, the place and what was expected.
 */

/** One step into the config: a key of a mapping or an index of a list. */
export type PathSegment = string | number;

export interface ConfigError {
  file: string;
  /** Where inside the file, like `services[2].probe.expect.status`; "" for the whole document. */
  path: string;
  /** 1-based position of the offending node, when the file could be located. */
  line?: number;
  column?: number;
  expected: string;
  found: string;
  /** The full sentence shown after the location. */
  message: string;
}

/** A problem before it is placed in a file: what `issues.ts` and `checks.ts` produce. */
export interface Problem {
  path: PathSegment[];
  expected: string;
  found: string;
  message: string;
  /** Point at the key itself rather than its value (unknown keys). */
  atKey?: boolean;
}

export function problem(path: PathSegment[], expected: string, found: string, hint?: string): Problem {
  const base = `expected ${expected}, found ${found}`;
  return { path, expected, found, message: hint ? `${base} — ${hint}` : base };
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `services[2].probe.headers["X-Api-Key"]` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `ops.config.yml:12:7 services[2].probe.expect.status: expected …, found …` */
export function formatConfigError(e: ConfigError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}:${e.column ?? 1}`;
  return `${where} ${e.path || "(document)"}: ${e.message}`;
}

/** One line per error, in file order, ready for the terminal or a job summary. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map(formatConfigError).join("\n");
}

/** Thrown by `loadConfigOrThrow`; the CLI maps it to exit code 2. */
export class ConfigLoadError extends Error {
  readonly errors: readonly ConfigError[];
  constructor(errors: readonly ConfigError[]) {
    const n = errors.length;
    super(
      `${n} configuration error${n === 1 ? "" : "s"}; fix them and run \`ops validate\` again:\n${formatConfigErrors(errors)}`,
    );
    this.name = "ConfigLoadError";
    this.errors = errors;
  }
}

const MAX_SHOWN = 60;

/**
 * A short description of a value found in the config. `sensitive` values (headers, tokens, keys,
 * webhook URLs) are echoed only when they are pure `${NAME}` references, never as literal text,
 * since a literal there may be a credential someone pasted in.
 */
export function describeValue(value: unknown, sensitive = false): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null (an empty value)";
  if (typeof value === "string") {
    if (sensitive && !onlyRefs(value))
      return `a literal string of ${value.length} characters (hidden: it may be a secret)`;
    if (value === "") return 'an empty string ""';
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" && sensitive) return "a number (hidden: it may be a secret)";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return value.length ? `a list of ${value.length} item${value.length === 1 ? "" : "s"}` : "an empty list []";
  if (typeof value === "object") {
    const keys = Object.keys(value);
    if (!keys.length) return "an empty mapping {}";
    const shown = keys.slice(0, 5).join(", ");
    return `a mapping with keys ${shown}${keys.length > 5 ? ", …" : ""}`;
  }
  return typeof value;
}

const REF_ONLY = /^(\s*\$\{[A-Za-z_][A-Za-z0-9_]*\}\s*)+$/;

function onlyRefs(text: string): boolean {
  return REF_ONLY.test(text) || /^[A-Za-z]+ \$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text);
}

/** Keys whose values may carry credentials; found values under them are not echoed. */
const SENSITIVE_KEYS = new Set(["headers", "token", "body", "routingKey", "emergency", "alerts", "ca", "url"]);

export function isSensitivePath(path: readonly PathSegment[]): boolean {
  return path.some((seg) => typeof seg === "string" && SENSITIVE_KEYS.has(seg));
}
