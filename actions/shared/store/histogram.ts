/**
 * A mergeable latency histogram with logarithmic buckets (DDSketch-style): bucket i holds values in
 * (γ^(i-1), γ^i], so any quantile read back is within ±4 % of the true sample. Histograms of
 * different days add bucket by bucket, which is what lets daily rollups answer p95 over a year
 * without the raw samples.
 */
const GAMMA = 1.08;
const LOG_GAMMA = Math.log(GAMMA);

/** Sparse: bucket index → count. Index 0 holds values ≤ 1 ms. */
export type Histogram = Record<string, number>;

export function bucketOf(ms: number): number {
  return ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value a bucket stands for: the point of least relative error within it. */
export function bucketValue(index: number): number {
  return index === 0 ? 1 : (2 * GAMMA ** index) / (GAMMA + 1);
}

/** Bucket keys of whole milliseconds below 60 s (what history stores), computed once each. */
const KEYS: string[] = [];
const KEYED_BELOW = 60_000;

function keyOf(ms: number): string {
  if (!Number.isInteger(ms) || ms >= KEYED_BELOW) return String(bucketOf(ms));
  let key = KEYS[ms];
  if (key === undefined) {
    key = String(bucketOf(ms));
    KEYS[ms] = key;
  }
  return key;
}

export function addSample(h: Histogram, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  const k = keyOf(ms);
  h[k] = (h[k] ?? 0) + 1;
}

export function mergeInto(target: Histogram, source: Histogram): void {
  for (const k in source) target[k] = (target[k] ?? 0) + source[k]!;
}

export function countOf(h: Histogram): number {
  let n = 0;
  for (const v of Object.values(h)) n += v;
  return n;
}

/**
 * Nearest-rank quantile (q in 0..1), rounded to whole ms; undefined for an empty histogram.
 * Bucket keys are array indices, which every JavaScript engine enumerates in ascending numeric
 * order: no sort is needed (charts ask for two quantiles of thousands of buckets per report).
 */
export function quantile(h: Histogram, q: number): number | undefined {
  let total = 0;
  for (const k in h) total += h[k]!;
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  let last = 0;
  for (const k in h) {
    seen += h[k]!;
    last = Number(k);
    if (seen >= rank) break;
  }
  return Math.round(bucketValue(last));
}

export function meanOf(h: Histogram): number | undefined {
  let n = 0;
  let sum = 0;
  for (const [k, c] of Object.entries(h)) {
    n += c;
    sum += bucketValue(Number(k)) * c;
  }
  return n === 0 ? undefined : Math.round(sum / n);
}

/** A histogram with keys in numeric order, so its JSON is the same however it was built. */
export function canonical(h: Histogram): Histogram {
  const out: Histogram = {};
  for (const k of Object.keys(h).sort((a, b) => Number(a) - Number(b))) out[k] = h[k]!;
  return out;
}
