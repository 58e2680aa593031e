import { readFileSync, statSync } from "node:fs";
import { LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import { OpsConfig } from "./schema/index.ts";
import { checkConfig } from "./checks.ts";
import { checkIdsAndReferences } from "./checks-ids.ts";
import { checkValidParts } from "./checks-partial.ts";
import { ConfigLoadError, formatPath, type ConfigError, type Problem } from "./errors.ts";
import { issuesToProblems } from "./issues.ts";
import { fastParse } from "./fast-yaml.ts";
import { locate } from "./locate.ts";

/**
 * Reads `ops.config.yml` once, at the edge: YAML → zod → semantic checks. Every problem is
 * reported at once with file, path, line and column; nothing after this re-validates the config.
 */
export type ConfigResult =
  | {
      ok: true;
      config: OpsConfig;
      warnings: ConfigError[] /** Ids of services with `enabled: false`, left out of `config.services`. */;
      disabled: string[];
    }
  | { ok: false; errors: ConfigError[]; warnings: ConfigError[] };

/**
 * Loads and validates a config file. `text` skips the read (tests, the embedded demo config);
 * `file` is then only the name shown in messages. Never throws for bad input.
 */
export function loadConfig(file: string, text?: string, options: LoadOptions = {}): ConfigResult {
  let source: string;
  try {
    source = text ?? readSource(file);
  } catch (e) {
    if (e instanceof SourceError) return { ok: false, errors: [{ file, path: "", ...e.problem }], warnings: [] };
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const message = `cannot read the config file (${code}); pass --config FILE or create ops.config.yml`;
    return {
      ok: false,
      errors: [{ file, path: "", expected: "a readable YAML file", found: code, message }],
      warnings: [],
    };
  }
  if (source.length > MAX_CONFIG_BYTES) {
    const found = `${source.length} characters`;
    return {
      ok: false,
      errors: [
        {
          file,
          path: "",
          expected: `a config of at most ${MAX_CONFIG_BYTES / 1_048_576} MiB`,
          found,
          message: `the config is too large (${found}); a fleet's config is a few KB — is this the right file?`,
        },
      ],
      warnings: [],
    };
  }

  // A large fleet is read by the fast parser (fast-yaml.ts), which answers only for a document it
  // reads exactly as \`yaml\` would. Everything else, and the placing of any problem at its
  // line:column, goes through \`yaml\`'s Document, which keeps every node's position.
  if (source.length >= (options.fastYamlMinBytes ?? FAST_YAML_MIN_BYTES)) {
    const data = fastParse(source);
    if (data !== undefined) {
      const result = validateConfig(data);
      if (result.ok && result.warnings.length === 0)
        return { ok: true, config: result.config, warnings: [], disabled: result.disabled };
    }
  }
  return loadWithDocument(file, source);
}

/**
 * Below this size \`yaml\` alone is as quick: a small file with a problem to place would be parsed
 * twice for nothing. \`npm run bench:config\` measures both parsers.
 */
export const FAST_YAML_MIN_BYTES = 64 * 1024;

export interface LoadOptions {
  /** Sources at least this long try the fast parser first; default FAST_YAML_MIN_BYTES. */
  fastYamlMinBytes?: number;
}

function loadWithDocument(file: string, source: string): ConfigResult {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *anchor`) let a long fleet share probe settings, as most YAML tools allow.
  const doc = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  const syntax = doc.errors.map((e) => yamlError(file, e));
  const yamlWarnings = doc.warnings.map((e) => yamlError(file, e));
  if (syntax.length) return { ok: false, errors: syntax, warnings: yamlWarnings };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1_000 });
  } catch (e) {
    // Unresolved aliases and alias bombs surface only when the document is turned into values.
    const found = (e as Error).message;
    const error = {
      file,
      path: "",
      expected: "YAML whose aliases all resolve",
      found,
      message: `expected YAML whose aliases all resolve, found ${found}`,
    };
    return { ok: false, errors: [error], warnings: yamlWarnings };
  }

  const place = (p: Problem): ConfigError => placeProblem(file, doc, lineCounter, p);
  const result = validateConfig(data);
  const warnings = [...yamlWarnings, ...sortByPosition(result.warnings.map(place))];
  if (!result.ok) return { ok: false, errors: sortByPosition(result.problems.map(place)), warnings };
  return { ok: true, config: result.config, warnings, disabled: result.disabled };
}

/**
 * zod compiles a fast path (with `new Function`) for each object schema on its first parse. A
 * config is parsed once per process: for a fleet of the usual size the compiling costs more than
 * it saves (loadConfig of the default config, Node 24: 83 ms instead of 104), while thousands of
 * services parse the service schemas often enough to repay it (5,000: about 10 % faster with it).
 */
function jitlessFor(config: unknown): boolean {
  const services = (config as { services?: unknown } | null)?.services;
  return !Array.isArray(services) || services.length < 2_000;
}

/** A config is a few KB; anything this large is the wrong file (a 64 MiB one took 48 s and 2.4 GB). */
export const MAX_CONFIG_BYTES = 4 * 1_048_576;

interface SourceProblem {
  expected: string;
  found: string;
  message: string;
  line?: number;
  column?: number;
}

class SourceError extends Error {
  readonly problem: SourceProblem;
  constructor(problem: SourceProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

/** The file as UTF-8 text: refused when over the size limit (checked before reading) or not valid UTF-8. */
function readSource(file: string): string {
  const size = statSync(file).size;
  if (size > MAX_CONFIG_BYTES) {
    const found = `${size} bytes`;
    throw new SourceError({
      expected: `a config of at most ${MAX_CONFIG_BYTES / 1_048_576} MiB`,
      found,
      message: `the config file is too large (${found}); a fleet's config is a few KB — is this the right file?`,
    });
  }
  const bytes = readFileSync(file);
  const bad = invalidUtf8At(bytes);
  if (bad !== undefined) {
    const before = bytes.subarray(0, bad).toString("utf8");
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    const found = `byte 0x${bytes[bad]!.toString(16).padStart(2, "0")} at offset ${bad}`;
    throw new SourceError({
      expected: "UTF-8 text",
      found,
      line,
      column,
      message: `the config file is not valid UTF-8 (${found}, line ${line}); save it as UTF-8`,
    });
  }
  return bytes.toString("utf8");
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence (RFC 3629), or undefined. */
export function invalidUtf8At(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [len, min, max] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b >= 0xf1 && b <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : b === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (len === 0) return i;
    // The second byte has a narrower range (no overlong forms, no surrogates, nothing past U+10FFFF).
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k < len; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return undefined;
}

/** `loadConfig`, throwing a `ConfigLoadError` (all errors, formatted) when the config is invalid. */
export function loadConfigOrThrow(file: string, text?: string): { config: OpsConfig; warnings: ConfigError[] } {
  const r = loadConfig(file, text);
  if (!r.ok) throw new ConfigLoadError(r.errors);
  return { config: r.config, warnings: r.warnings };
}

export type ValidationResult =
  | { ok: true; config: OpsConfig; warnings: Problem[]; disabled: string[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

/**
 * Validates an already-parsed config value (schema, then semantic checks). Semantic checks need
 * well-typed values: when the schema fails, they run on each part that does parse on its own.
 */
export function validateConfig(data: unknown): ValidationResult {
  if (data === null || data === undefined) {
    const p: Problem = {
      path: [],
      expected: "a mapping with at least `services`",
      found: "an empty document",
      message: "expected a mapping with at least `services`, found an empty document",
    };
    return { ok: false, problems: [p], warnings: [] };
  }
  const config = withoutExtensions(data);
  const parsed = OpsConfig.safeParse(config, { jitless: jitlessFor(config) });
  if (!parsed.success) {
    // Id cross-references need no valid schema, and the other checks run on the parts that are
    // valid, so all of them are reported in the same round as the schema errors.
    const problems = [
      ...issuesToProblems(parsed.error.issues, data, OpsConfig),
      ...checkIdsAndReferences(data),
      ...checkValidParts(config),
    ];
    return { ok: false, problems, warnings: [] };
  }
  const checked = checkConfig(parsed.data);
  if (checked.errors.length) return { ok: false, problems: checked.errors, warnings: checked.warnings };
  // Disabled services are validated like the others, then left out: nothing downstream sees them.
  const services = parsed.data.services.filter((s) => s.enabled);
  const disabled = parsed.data.services.filter((s) => !s.enabled).map((s) => s.id);
  return { ok: true, config: { ...parsed.data, services }, warnings: checked.warnings, disabled };
}

/** Top-level `x-…` keys are ignored (as in Compose files): a home for YAML anchors. */
export const EXTENSION_PREFIX = "x-";

function withoutExtensions(data: unknown): unknown {
  if (!data || typeof data !== "object" || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith(EXTENSION_PREFIX)));
}

function placeProblem(file: string, doc: Document, lc: LineCounter, p: Problem): ConfigError {
  const pos = locate(doc, lc, p.path, p.atKey);
  const e: ConfigError = { file, path: formatPath(p.path), expected: p.expected, found: p.found, message: p.message };
  if (pos) {
    e.line = pos.line;
    e.column = pos.column;
  }
  return e;
}

function yamlError(file: string, e: YAMLError): ConfigError {
  // yaml's message ends with " at line L, column C:" and a code frame; the position is kept apart.
  const first = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const pos = e.linePos?.[0];
  const found = `${first} (${e.code})`;
  const err: ConfigError = { file, path: "", expected: "valid YAML", found, message: `invalid YAML: ${first}` };
  if (pos) {
    err.line = pos.line;
    err.column = pos.col;
  }
  return err;
}

function sortByPosition(errors: ConfigError[]): ConfigError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) => (a.e.line ?? Infinity) - (b.e.line ?? Infinity) || (a.e.column ?? 0) - (b.e.column ?? 0) || a.i - b.i,
    )
    .map(({ e }) => e);
}

export { ConfigLoadError, formatConfigError, formatConfigErrors, type ConfigError } from "./errors.ts";
