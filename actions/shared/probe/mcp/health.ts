/**
 * The health JSON HotDash's MCP servers serve beside the MCP endpoint (LlamaIndex MCP's /health):
 *   {"status": "ok", "tools": [...], "metrics": {"query_support": {"calls": 40, "errors": 2, "errorRate": "5%"}}}
 * Tools erroring above `maxErrorRate` make the service degraded, not down: the server still answers.
 */

export interface ToolErrorRate {
  tool: string;
  /** Percent, 0–100. */
  rate: number;
  calls?: number;
  errors?: number;
}

export type HealthReading = { rates: ToolErrorRate[]; problems: string[] } | { invalid: string };

export function readHealth(body: unknown, maxErrorRate: number): HealthReading {
  if (!isObject(body)) return { invalid: "the health answer is not a JSON object" };
  const problems: string[] = [];
  if (
    typeof body.status === "string" &&
    body.status.toLowerCase() !== "ok" &&
    body.status.toLowerCase() !== "healthy"
  ) {
    problems.push(`health status "${body.status}"`);
  }
  const rates: ToolErrorRate[] = [];
  if (body.metrics !== undefined) {
    if (!isObject(body.metrics)) return { invalid: "health.metrics is not an object of per-tool metrics" };
    for (const [tool, m] of Object.entries(body.metrics)) {
      if (!isObject(m)) continue;
      const rate = errorRate(m);
      if (rate === undefined) continue;
      rates.push({
        tool,
        rate,
        ...(typeof m.calls === "number" && { calls: m.calls }),
        ...(typeof m.errors === "number" && { errors: m.errors }),
      });
    }
  }
  for (const r of rates) {
    if (r.rate > maxErrorRate) {
      const counts = r.calls !== undefined && r.errors !== undefined ? ` (${r.errors}/${r.calls} calls)` : "";
      problems.push(`tool ${r.tool} error rate ${round(r.rate)} %${counts} > ${maxErrorRate} %`);
    }
  }
  return { rates, problems };
}

/** errors/calls when both are there (exact); else `errorRate` as "12.5%" or a number of percent. */
function errorRate(m: Record<string, unknown>): number | undefined {
  if (typeof m.calls === "number" && typeof m.errors === "number" && m.calls > 0) return (100 * m.errors) / m.calls;
  if (typeof m.calls === "number" && m.calls === 0) return 0;
  if (typeof m.errorRate === "number" && Number.isFinite(m.errorRate)) return m.errorRate;
  if (typeof m.errorRate === "string") {
    const n = Number(m.errorRate.trim().replace(/%$/, ""));
    if (m.errorRate.trim() !== "" && Number.isFinite(n)) return n;
  }
  return undefined;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
