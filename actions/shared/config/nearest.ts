/**
 * "Did you mean …?" for unknown keys, enum values and ids: the candidate closest by edit distance,
 * if it is close enough to be a plausible typo rather than a different word.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment): Levenshtein's insert,
 * delete and substitute, plus "wbe" → "web" as one edit, the commonest typo of all.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The nearest candidate to `word`, or undefined when none is plausible. Case differences are
 * free ("Status" → "status"); otherwise a third of the longer word may differ (at least 1, at most 3),
 * so "staus" → "status" but "tz" does not become "to".
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    // A word that is a (misspelt) start of a longer key counts too: "statment" → "statementTimeout".
    const prefix =
      lower.length >= 4 && cl.length > lower.length ? editDistance(lower, cl.slice(0, lower.length)) : Infinity;
    const d = cl === lower ? 0 : Math.min(editDistance(lower, cl), prefix);
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(word.length, c.length) / 3)));
    // Ties keep the first candidate, so the answer follows the schema's own key order.
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
