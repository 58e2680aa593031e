import type { ProbeMetrics, Sample } from "./result.ts";

/**
 * Percentiles by the nearest-rank method: the value at rank ceil(p/100 × n) of the sorted list.
 * It always returns an observed latency (never an interpolated one), which keeps p95 of three
 * samples honest: it is the slowest of them.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1];
}

export interface LatencySummary {
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return {};
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

/** The median of a list (for benchmarks and reports); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/**
 * A run's samples of one service as metrics. Latency percentiles count successful samples only:
 * a refused connection answers in a millisecond and would make a dead service look fast.
 * certDaysLeft is the smallest seen; value/series/warning are the latest reading.
 */
export function summarizeSamples(samples: readonly Sample[]): ProbeMetrics {
  const ok = samples.filter((s) => s.ok);
  const metrics: ProbeMetrics = {
    successRate: samples.length ? (ok.length / samples.length) * 100 : 0,
    okCount: ok.length,
    count: samples.length,
    ...summarize(ok.map((s) => s.timings.total)),
    statusCodes: [...new Set(samples.flatMap((s) => (s.statusCode === undefined ? [] : [s.statusCode])))].sort(
      (a, b) => a - b,
    ),
  };
  const days = samples.flatMap((s) => (s.certDaysLeft === undefined ? [] : [s.certDaysLeft]));
  if (days.length) metrics.certDaysLeft = Math.min(...days);
  const last = <K extends keyof Sample>(key: K): Sample[K] | undefined =>
    samples.findLast((s) => s[key] !== undefined)?.[key];
  const value = last("value");
  if (value !== undefined) metrics.value = value;
  const series = last("series");
  if (series !== undefined) metrics.series = series;
  const warning = last("warning");
  if (warning !== undefined) metrics.warning = warning;
  const failure = last("failure");
  if (failure !== undefined) metrics.lastFailure = failure;
  return metrics;
}
