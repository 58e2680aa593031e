/**
 * A small path language for JSON assertions: `status`, `checks[0].state`, `meta["x.y"]`, `[2]`.
 * Dots separate keys, `[n]` indexes arrays, `["…"]` quotes a key holding dots or brackets.
 */
export type PathSegment = string | number;

export function parseJsonPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(
      `JSON path "${path}": ${what} at character ${i + 1}; write it like "checks[0].state" or 'meta["x.y"]'`,
    );
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === ".") {
      if (i === 0 || i === path.length - 1 || path[i + 1] === ".") fail("empty key");
      i++;
    } else if (ch === "[") {
      const close = path.indexOf("]", i);
      if (close === -1) fail('missing "]"');
      const inner = path.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) segments.push(JSON.parse(inner) as string);
      else fail(`"[${inner}]" is neither an index nor a quoted key`);
      i = close + 1;
    } else {
      let end = i;
      while (end < path.length && path[end] !== "." && path[end] !== "[") end++;
      segments.push(path.slice(i, end));
      i = end;
    }
  }
  return segments;
}

export type Lookup = { found: true; value: unknown } | { found: false };

export function lookupJsonPath(root: unknown, segments: readonly PathSegment[]): Lookup {
  let cur: unknown = root;
  for (const seg of segments) {
    if (typeof seg === "number") {
      if (!Array.isArray(cur) || seg >= cur.length) return { found: false };
      cur = cur[seg];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, seg))
        return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}
