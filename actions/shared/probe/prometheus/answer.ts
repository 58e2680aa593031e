/**
 * Reading a Prometheus instant-query answer (https://prometheus.io/docs/prometheus/latest/querying/api/)
 * into a value and series. Pure: the probe does the HTTP, this decides what the answer means.
 */
import type { PrometheusProbeConfig } from "../../config/schema/index.ts";
import type { Failure } from "../result.ts";

export type Series = { labels: Record<string, string>; value: number };
export type Reading = { value?: number; series: Series[] } | { failure: Failure };

/** More series than this are cut to the highest and lowest halves, so the worst in either direction survives. */
export const MAX_SERIES = 50;

export function readAnswer(body: unknown, probe: Pick<PrometheusProbeConfig, "aggregate" | "empty">): Reading {
  if (!isObject(body) || (body.status !== "success" && body.status !== "error")) {
    return {
      failure: {
        kind: "protocol",
        detail: 'the answer is not a Prometheus API response (expected {"status": "success" | "error", ...})',
      },
    };
  }
  if (body.status === "error") {
    const type = typeof body.errorType === "string" ? body.errorType : "error";
    const message = typeof body.error === "string" ? body.error : "no message";
    return { failure: { kind: "query", detail: `Prometheus ${type}: ${message}` } };
  }
  const data = body.data;
  if (!isObject(data) || typeof data.resultType !== "string") {
    return { failure: { kind: "protocol", detail: "the answer has no data.resultType" } };
  }
  switch (data.resultType) {
    case "scalar": {
      const value = sampleValue(data.result);
      if (value === undefined)
        return { failure: { kind: "protocol", detail: "a scalar answer without a [time, value] pair" } };
      return Number.isFinite(value) ? { value, series: [] } : empty(probe, `the scalar is ${value}`);
    }
    case "vector":
      if (!Array.isArray(data.result))
        return { failure: { kind: "protocol", detail: "a vector answer whose result is not a list" } };
      return readVector(data.result, probe);
    case "matrix":
      return {
        failure: {
          kind: "query",
          detail: "the query returned a range vector; use an instant vector (no [5m] selector outside a function)",
        },
      };
    default:
      return {
        failure: {
          kind: "query",
          detail: `the query returned a ${data.resultType}; expected an instant vector or a scalar`,
        },
      };
  }
}

function readVector(result: unknown[], probe: Pick<PrometheusProbeConfig, "aggregate" | "empty">): Reading {
  const all: Series[] = [];
  for (const [i, item] of result.entries()) {
    const value = isObject(item) ? sampleValue(item.value) : undefined;
    if (!isObject(item) || !isObject(item.metric) || value === undefined) {
      return {
        failure: { kind: "protocol", detail: `result[${i}] is not {"metric": {...}, "value": [time, "number"]}` },
      };
    }
    // NaN is what a ratio with no traffic gives (0/0): no measurement, not a breach.
    if (Number.isFinite(value)) all.push({ labels: labelsOf(item.metric), value });
  }
  if (all.length === 0) {
    return empty(
      probe,
      result.length === 0 ? "the query matched no series" : `all ${result.length} series are NaN or infinite`,
    );
  }
  // NaN series and the trimmed middle are not the service's problem, so they are no `warning`.
  const value = aggregate(all, probe.aggregate);
  return { ...(value !== undefined && { value }), series: trim(all) };
}

/** One value for the series; with `none` only a single series has one (several are rated each). */
function aggregate(series: Series[], how: PrometheusProbeConfig["aggregate"]): number | undefined {
  const values = series.map((s) => s.value);
  switch (how) {
    case "none":
      return values.length === 1 ? values[0] : undefined;
    case "max":
      return Math.max(...values);
    case "min":
      return Math.min(...values);
    case "sum":
      return values.reduce((a, b) => a + b, 0);
    case "avg":
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

function empty(probe: Pick<PrometheusProbeConfig, "empty">, why: string): Reading {
  switch (probe.empty) {
    case "zero":
      return { value: 0, series: [] };
    case "down":
      return {
        failure: { kind: "assertion", assertion: "non-empty result", expected: "at least one series", found: why },
      };
    case "unknown":
      return { failure: { kind: "no-data", detail: why } };
  }
}

/**
 * The series that rates worst for a threshold's direction: the highest when "above" is bad, the
 * lowest when "below" is. For the evaluation of `aggregate: none` with several series.
 */
export function worstSeries(series: readonly Series[], direction: "above" | "below"): Series | undefined {
  let worst: Series | undefined;
  for (const s of series) {
    if (!worst || (direction === "above" ? s.value > worst.value : s.value < worst.value)) worst = s;
  }
  return worst;
}

/** "instance=a, region=iad" — how a series is named in a reason line. */
export function describeLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

function trim(series: Series[]): Series[] {
  if (series.length <= MAX_SERIES) return series;
  const sorted = [...series].sort((a, b) => b.value - a.value);
  return [...sorted.slice(0, MAX_SERIES / 2), ...sorted.slice(-MAX_SERIES / 2)];
}

function labelsOf(metric: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Prometheus sends sample values as strings in a [unixSeconds, "value"] pair ("NaN", "+Inf" included). */
function sampleValue(pair: unknown): number | undefined {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== "string") return undefined;
  const text = pair[1];
  if (text === "NaN") return NaN;
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  const n = Number(text);
  return text.trim() === "" || Number.isNaN(n) ? undefined : n;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
