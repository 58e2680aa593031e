import type { z } from "zod";
import { Duration } from "./schema/units.ts";
import { describeValue, isSensitivePath, problem, type PathSegment, type Problem } from "./errors.ts";
import { nearest } from "./nearest.ts";
import { allowedKeys, isSchema, preferredOption, schemaAt, valueAt } from "./schema-walk.ts";

/**
 * Turns zod's issues into problems that say what was expected and what was found, in the words
 * of the config file rather than of zod ("a list", "a mapping", "a duration such as …").
 */
type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  null: "null",
};

const DURATION_WORDS = 'a duration such as "800ms", "2s", "15m", "1h" or a number of milliseconds';

export function issuesToProblems(issues: readonly Issue[], data: unknown, root: Schema): Problem[] {
  return issues.flatMap((issue) => mapIssue(issue, [], data, root));
}

function quote(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function mapIssue(issue: Issue, prefix: PathSegment[], data: unknown, root: Schema): Problem[] {
  const path: PathSegment[] = [...prefix, ...issue.path.filter((p): p is PathSegment => typeof p !== "symbol")];
  const raw = valueAt(data, path);
  const found = describeValue(raw, isSensitivePath(path));
  const here = schemaAt(root, path, data);

  switch (issue.code) {
    case "invalid_type": {
      const expected = isSchema(here, Duration) ? DURATION_WORDS : (TYPE_WORDS[issue.expected] ?? issue.expected);
      return [problem(path, expected, found, raw === undefined ? "a required key is missing" : undefined)];
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownKey(path, key, allowedKeys(root, path, data)));
    case "invalid_union":
      return union(issue, path, raw, found, here, data, root);
    case "invalid_value": {
      const values = issue.values;
      const expected = values.length === 1 ? quote(values[0]) : `one of ${values.map(quote).join(", ")}`;
      return [problem(path, expected, found, didYouMean(raw, values))];
    }
    case "too_small":
    case "too_big":
      return [problem(path, bound(issue), sizeFound(issue.origin, raw, found))];
    case "invalid_format":
      return [problem(path, formatWords(issue), found)];
    case "not_multiple_of":
      return [problem(path, `a multiple of ${issue.divisor}`, found)];
    default:
      return [problem(path, issue.message, found)];
  }
}

function unknownKey(path: PathSegment[], key: string, allowed: string[]): Problem {
  const near = nearest(key, allowed);
  const list = allowed.join(", ");
  const expected = allowed.length ? `one of the keys ${list}` : "no further keys";
  const message = near
    ? `unknown key "${key}" — did you mean "${near}"? (allowed here: ${list})`
    : `unknown key "${key}" — expected one of: ${list || "(none)"}`;
  return { path: [...path, key], expected, found: `unknown key "${key}"`, message, atKey: true };
}

function didYouMean(raw: unknown, values: readonly unknown[]): string | undefined {
  if (typeof raw !== "string") return undefined;
  const near = nearest(
    raw,
    values.filter((v): v is string => typeof v === "string"),
  );
  return near ? `did you mean "${near}"?` : undefined;
}

function union(
  issue: Extract<Issue, { code: "invalid_union" }>,
  path: PathSegment[],
  raw: unknown,
  found: string,
  here: Schema | undefined,
  data: unknown,
  root: Schema,
): Problem[] {
  if (issue.discriminator && "options" in issue && issue.options) {
    // A discriminated union on `type` (probes) or `provider` (rollbacks): name the allowed kinds.
    const options = issue.options;
    const expected = `${issue.discriminator} to be one of ${options.map(quote).join(", ")}`;
    const hint =
      raw === undefined ? `add "${issue.discriminator}:" to say which kind this is` : didYouMean(raw, options);
    return [problem(path, expected, found, hint)];
  }
  const branches = issue.errors;
  const isTypeMismatch = (b: readonly Issue[]) => b.every((i) => i.code === "invalid_type" && i.path.length === 0);
  const usable = branches.filter((b) => b.length && !isTypeMismatch(b));
  if (usable.length) {
    // The option whose keys the author used is the one meant; else the one with fewest complaints.
    const preferred = branches[preferredOption(here, raw) ?? -1];
    const best =
      preferred && usable.includes(preferred) ? preferred : usable.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((i) => mapIssue(i, path, data, root));
  }
  let expected: string;
  if (isSchema(here, Duration)) expected = DURATION_WORDS;
  else {
    const words = branches.flatMap((b) =>
      b.map((i) => (i.code === "invalid_type" ? (TYPE_WORDS[i.expected] ?? i.expected) : i.message)),
    );
    expected = [...new Set(words)].join(" or ") || "one of the allowed forms";
  }
  return [problem(path, expected, found, raw === undefined ? "a required key is missing" : undefined)];
}

function bound(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const n = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "array":
    case "set":
      return `${small ? "at least" : "at most"} ${n} item${n === 1 ? "" : "s"}`;
    case "string":
      return `${small ? "at least" : "at most"} ${n} character${n === 1 ? "" : "s"}`;
    default: {
      const op = small ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<";
      return `${issue.origin === "int" ? "a whole number" : "a number"} ${op} ${n}`;
    }
  }
}

function sizeFound(origin: string, raw: unknown, found: string): string {
  if (origin === "string" && typeof raw === "string") return `${raw.length} characters`;
  return found;
}

function formatWords(issue: Extract<Issue, { code: "invalid_format" }>): string {
  switch (issue.format) {
    case "url":
      return "a URL such as https://example.com/health";
    case "datetime":
      return 'an ISO 8601 date-time with an offset, such as "2025-10-13T02:00:00Z"';
    case "regex":
      // Our schema's own messages read as nouns ("a Fly app name"); zod's default does not.
      return issue.message.startsWith("Invalid") ? `text matching ${issue.pattern ?? "the pattern"}` : issue.message;
    default:
      return issue.message.startsWith("Invalid") ? `a valid ${issue.format}` : issue.message;
  }
}
