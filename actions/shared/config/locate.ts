import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { PathSegment } from "./errors.ts";

/**
 * Finds where a config path sits in the YAML source. A path that is not in the file (a missing
 * key, a value filled in by a default) is placed at its nearest ancestor that is.
 */
export interface Position {
  line: number;
  column: number;
}

function deref(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyOf(k: unknown): unknown {
  return isScalar(k) ? k.value : k;
}

export function locate(
  doc: Document,
  lc: LineCounter,
  path: readonly PathSegment[],
  atKey = false,
): Position | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let depth = 0;
  for (const seg of path) {
    const here = deref(node, doc);
    let next: unknown;
    let nextKey: unknown;
    if (isMap(here)) {
      const pair = here.items.find((p) => isPair(p) && String(keyOf(p.key)) === String(seg));
      nextKey = pair?.key;
      // A key with no value (`probe:`) still has a place: its key.
      next = pair ? (pair.value ?? pair.key) : undefined;
    } else if (isSeq(here) && typeof seg === "number") {
      next = here.items[seg];
    }
    if (next === undefined || next === null) break;
    node = next;
    keyNode = nextKey;
    depth++;
  }
  const target = atKey && depth === path.length && keyNode ? keyNode : node;
  const range = (target as Node | null | undefined)?.range;
  if (!range) return undefined;
  const pos = lc.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}
