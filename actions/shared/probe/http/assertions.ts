import type { HttpProbeConfig, JsonAssertionConfig } from "../../config/schema/index.ts";
import type { Failure } from "../result.ts";
import { lookupJsonPath, parseJsonPath } from "../json-path.ts";

type Expect = HttpProbeConfig["expect"];

/** `200`, `"2xx"`: does `status` match one of them? */
export function statusMatches(status: number, accepted: Expect["status"]): boolean {
  return accepted.some((a) => (typeof a === "number" ? a === status : Math.floor(status / 100) === Number(a[0])));
}

export function checkStatus(status: number, accepted: Expect["status"]): Failure | undefined {
  if (statusMatches(status, accepted)) return undefined;
  return { kind: "status", expected: accepted.join(", "), found: status };
}

/** Whether the body must be read as text at all (a HEAD never has one). */
export function needsBodyText(expect: Expect): boolean {
  return expect.json.length > 0 || expect.contains.length > 0 || expect.notContains.length > 0;
}

/**
 * Keyword checks first (cheap, and meaningful for any body), then JSON parsing and JSON
 * assertions. The first failure wins: one sample has one reason.
 */
export function checkBody(text: string, expect: Expect): Failure | undefined {
  for (const word of expect.contains) {
    if (!text.includes(word))
      return { kind: "assertion", assertion: "body contains", expected: show(word), found: "absent" };
  }
  for (const word of expect.notContains) {
    const at = text.indexOf(word);
    if (at !== -1)
      return {
        kind: "assertion",
        assertion: "body notContains",
        expected: `no ${show(word)}`,
        found: `${show(word)} at offset ${at}`,
      };
  }
  if (expect.json.length === 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { kind: "invalid-json", detail: notJson(text, error) };
  }
  for (const assertion of expect.json) {
    const failure = checkJson(doc, assertion);
    if (failure) return failure;
  }
  return undefined;
}

export function checkJson(doc: unknown, a: JsonAssertionConfig): Failure | undefined {
  let segments;
  try {
    segments = parseJsonPath(a.path);
  } catch (error) {
    // The config loader should have rejected this path; reported as data so the probe never throws.
    return { kind: "assertion", assertion: `json ${a.path}`, expected: "a valid JSON path", found: String(error) };
  }
  const got = lookupJsonPath(doc, segments);
  const found = got.found ? show(got.value) : "missing";
  const fail = (op: string, expected: string): Failure => ({
    kind: "assertion",
    assertion: `json ${a.path} ${op}`,
    expected,
    found,
  });

  if ("equals" in a) {
    return got.found && got.value === a.equals ? undefined : fail("equals", show(a.equals));
  }
  if ("contains" in a) {
    const v = got.found ? got.value : undefined;
    const ok =
      (typeof v === "string" && v.includes(String(a.contains))) ||
      (Array.isArray(v) && v.some((x) => x === a.contains));
    return ok ? undefined : fail("contains", show(a.contains));
  }
  if ("exists" in a) {
    return got.found === a.exists ? undefined : fail("exists", a.exists ? "present" : "absent");
  }
  const bounds = (["lt", "lte", "gt", "gte"] as const).filter((op) => a[op] !== undefined);
  const expected = bounds.map((op) => `${SYMBOL[op]} ${a[op]}`).join(" and ");
  if (bounds.length === 0) return fail("compare", "a bound (lt, lte, gt or gte)");
  const v = got.found ? got.value : undefined;
  if (typeof v !== "number") return fail("compare", `a number ${expected}`);
  const ok = bounds.every((op) => COMPARE[op](v, a[op]!));
  return ok ? undefined : fail("compare", expected);
}

const SYMBOL = { lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;
const COMPARE = {
  lt: (v: number, b: number) => v < b,
  lte: (v: number, b: number) => v <= b,
  gt: (v: number, b: number) => v > b,
  gte: (v: number, b: number) => v >= b,
} as const;

/**
 * A value as it would appear in JSON. Never shortened here: a cut through a secret would leave a
 * prefix the redactor cannot recognise; the engine scrubs first, then shortens.
 */
function show(v: unknown): string {
  return v === undefined ? "undefined" : JSON.stringify(v);
}

/**
 * Why a body is not JSON, without quoting it: V8's message quotes the body's first characters,
 * which may be the start of an echoed token.
 */
function notJson(text: string, error: unknown): string {
  if (text.trim() === "") return "the body is empty";
  const first = text.trimStart()[0]!;
  const cut = error instanceof Error && /end of (JSON )?input/i.test(error.message);
  const hint = first === "<" ? ", it looks like HTML" : cut ? ", it ends too early" : "";
  return `${text.length} characters starting with ${JSON.stringify(first)}${hint}`;
}
