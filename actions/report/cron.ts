/**
 * The next time a GitHub Actions cron fires (five fields, UTC: minute hour day-of-month month
 * day-of-week; `*`, lists, ranges, steps and JAN–DEC / SUN–SAT names). As in cron, when both
 * day fields are restricted a day matches if either does.
 */
interface Field {
  values: Set<number>;
}

const NAMES: Record<number, string[]> = {
  3: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  4: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const LABELS = ["minute", "hour", "day of month", "month", "day of week"];

export interface Cron {
  fields: [Field, Field, Field, Field, Field];
}

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new Error(`cron "${expr}": expected 5 fields (minute hour day month weekday), found ${parts.length}`);
  const fields = parts.map((p, i) => parseField(p, i, expr)) as Cron["fields"];
  // Sunday is both 0 and 7.
  if (fields[4].values.has(7)) fields[4].values.add(0);
  return { fields };
}

function parseField(text: string, index: number, expr: string): Field {
  const [min, max] = RANGES[index]!;
  const values = new Set<number>();
  const value = (v: string) => {
    const named = NAMES[index]?.indexOf(v.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + (index === 3 ? 1 : 0) : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`cron "${expr}": ${LABELS[index]} "${v}" is not a number from ${min} to ${max}`);
    }
    return n;
  };
  for (const item of text.split(",")) {
    const [range, stepText] = item.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`cron "${expr}": step "${stepText}" in the ${LABELS[index]} field must be a positive integer`);
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [min, max];
    else if (range.includes("-")) {
      const [a, b] = range.split("-") as [string, string];
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values };
}

/** The first firing strictly after `after`, searched up to about five years ahead. */
export function nextRun(cron: Cron, after: Date): Date {
  const [minute, hour, dom, month, dow] = cron.fields;
  const domAny = dom.values.size === 31;
  const dowAny = dow.values.size >= 7;
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!month.values.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
      continue;
    }
    const domOk = dom.values.has(t.getUTCDate());
    const dowOk = dow.values.has(t.getUTCDay());
    const dayOk = domAny && dowAny ? true : domAny ? dowOk : dowAny ? domOk : domOk || dowOk;
    if (!dayOk) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
      continue;
    }
    if (!hour.values.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
      continue;
    }
    if (!minute.values.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      continue;
    }
    return t;
  }
  throw new Error(`cron: no firing within five years of ${after.toISOString()}; check the expression`);
}

/**
 * The schedule's cadence: the longest gap between consecutive firings over the day after `from`
 * (5 minutes for "*\/5 * * * *"; for an irregular schedule, its widest gap), used to call data stale.
 */
export function cadenceOf(cron: Cron, from: Date): number {
  let at = nextRun(cron, from);
  const until = from.getTime() + 86_400_000;
  let widest = 0;
  for (let i = 0; i < 300 && at.getTime() <= until; i++) {
    const next = nextRun(cron, at);
    widest = Math.max(widest, next.getTime() - at.getTime());
    at = next;
  }
  return widest;
}
