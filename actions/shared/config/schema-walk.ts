import type { z } from "zod";
import type { PathSegment } from "./errors.ts";

/**
 * Finds the zod schema that governs a place in the config, following the data through unions,
 * so an error message can list the keys allowed there or say that a duration was expected.
 * Reads zod's public `_zod.def` descriptions; nothing here validates.
 */
type Schema = z.core.$ZodType;

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  discriminator?: string;
  values?: unknown[];
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

function def(s: Schema): Def {
  return s._zod.def as unknown as Def;
}

/** Strips optional/default/… wrappers, leaving the schema that describes the value itself. */
export function unwrap(s: Schema): Schema {
  let cur = s;
  for (let d = def(cur); WRAPPERS.has(d.type) && d.innerType; d = def(cur)) cur = d.innerType;
  return cur;
}

/** Like `unwrap`, and also looks through transforms to the input side. */
function unwrapInput(s: Schema): Schema {
  let cur = unwrap(s);
  for (let d = def(cur); d.type === "pipe" && d.in; d = def(cur)) cur = unwrap(d.in);
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function literalValues(s: Schema | undefined): unknown[] {
  if (!s) return [];
  const d = def(unwrapInput(s));
  return d.type === "literal" || d.type === "enum"
    ? (d.values ?? Object.values((d as { entries?: object }).entries ?? {}))
    : [];
}

/** The option of a union the data most plausibly meant: by discriminator, else by shared keys. */
function pickOption(d: Def, data: unknown): Schema | undefined {
  const options = d.options ?? [];
  if (d.discriminator && isRecord(data)) {
    const disc = data[d.discriminator];
    const hit = options.find((o) => literalValues(def(unwrapInput(o)).shape?.[d.discriminator!]).includes(disc));
    if (hit) return hit;
  }
  if (isRecord(data)) {
    let best: Schema | undefined;
    let bestScore = -1;
    for (const o of options) {
      const shape = def(unwrapInput(o)).shape;
      if (!shape) continue;
      const score = Object.keys(data).filter((k) => k in shape).length;
      if (score > bestScore) [best, bestScore] = [o, score];
    }
    if (best) return best;
  }
  return options[0];
}

/**
 * For a union schema at some place, the index of the option the data most plausibly meant
 * (zod reports one list of issues per option, in option order); undefined when not a union.
 */
export function preferredOption(s: Schema | undefined, data: unknown): number | undefined {
  if (!s) return undefined;
  const d = def(unwrapInput(s));
  if (d.type !== "union" || !d.options) return undefined;
  const picked = pickOption(d, data);
  return picked ? d.options.indexOf(picked) : undefined;
}

function resolveUnion(s: Schema, data: unknown): Schema {
  let cur = unwrapInput(s);
  for (let d = def(cur); d.type === "union"; d = def(cur)) {
    const next = pickOption(d, data);
    if (!next) break;
    cur = unwrapInput(next);
  }
  return cur;
}

/** The schema at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: Schema, path: readonly PathSegment[], data: unknown): Schema | undefined {
  let cur: Schema = root;
  let value = data;
  for (const seg of path) {
    const d = def(resolveUnion(cur, value));
    let next: Schema | undefined;
    if (d.type === "object") next = typeof seg === "string" ? d.shape?.[seg] : undefined;
    else if (d.type === "array") next = d.element;
    else if (d.type === "record") next = d.valueType;
    if (!next) return undefined;
    cur = next;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<PathSegment, unknown>)[seg] : undefined;
  }
  return cur;
}

/** Keys a mapping at `path` may have, in the schema's own order. */
export function allowedKeys(root: Schema, path: readonly PathSegment[], data: unknown): string[] {
  const s = schemaAt(root, path, data);
  if (!s) return [];
  const d = def(resolveUnion(s, valueAt(data, path)));
  return d.type === "object" && d.shape ? Object.keys(d.shape) : [];
}

/** True when the schema at this place is `target` (e.g. Duration), under any wrappers. */
/** Whether `s` is `target`, or a copy of it made by `.describe()` / `.meta()` (which share its def). */
export function isSchema(s: Schema | undefined, target: Schema): boolean {
  return s !== undefined && def(unwrap(s)) === def(unwrap(target));
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (!isRecord(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<PathSegment, unknown>)[seg];
  }
  return cur;
}
