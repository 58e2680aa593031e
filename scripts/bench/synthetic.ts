import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import type { Status } from "../../actions/shared/status.ts";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";

/**
 * A deterministic synthetic fleet and history (seeded PRNG), for the golden-file tests and the
 * report benchmark. Outages and slow spells are placed by the seed, so the reports have something
 * to say; the same seed always gives the same bytes.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticConfig(count: number, extra: Record<string, unknown> = {}): OpsConfig {
  const services = Array.from({ length: count }, (_, i) => ({
    id: `svc-${String(i).padStart(2, "0")}`,
    name: `Service ${String(i).padStart(2, "0")}`,
    environment: i % 5 === 4 ? "staging" : i >= count - 7 ? "shared" : "production",
    criticality: i < 2 ? "critical" : "medium",
    probe: { type: "http", url: `http://127.0.0.1:9/svc-${i}` },
    ...(i === 1 && {
      thresholds: { latency: { yellow: 800, red: 2000 } },
      slo: { availability: 99.5, latency: { stat: "p95", below: 500 } },
    }),
  }));
  return OpsConfig.parse({
    title: "Synthetic status",
    services,
    groups:
      count >= 7
        ? [
            {
              id: "mcp",
              name: "MCP servers",
              members: services.slice(-7).map((s) => s.id),
              quorum: { green: 6, yellow: 5 },
            },
          ]
        : [],
    ...extra,
  });
}

export interface HistoryPlan {
  from: number;
  to: number;
  cadenceMs: number;
  /** Random lateness added to each run (Actions cron drift), ms. */
  jitterMs: number;
  seed: number;
}

/** One history line per service per run, as the foundation's appendHistory writes them. */
export function* syntheticRuns(config: OpsConfig, plan: HistoryPlan): Generator<{ day: string; lines: string[] }> {
  const rnd = prng(plan.seed);
  const ids = config.services.map((s) => s.id);
  // Each service gets an outage and a slow spell somewhere in the span.
  const span = plan.to - plan.from;
  const events = ids.map((_, i) => ({
    downAt: plan.from + Math.floor(rnd() * span),
    downFor: (i % 3) * 20 * 60_000 + 10 * 60_000,
    slowAt: plan.from + Math.floor(rnd() * span),
    slowFor: 2 * 3_600_000,
    base: 80 + Math.floor(rnd() * 300),
  }));
  for (let t = plan.from; t < plan.to; t += plan.cadenceMs) {
    const at = t + Math.floor(rnd() * plan.jitterMs);
    const iso = new Date(at).toISOString();
    const lines: string[] = [];
    ids.forEach((id, i) => {
      const e = events[i]!;
      const down = at >= e.downAt && at < e.downAt + e.downFor;
      const slow = at >= e.slowAt && at < e.slowAt + e.slowFor;
      const s: Status = down ? "down" : slow ? "degraded" : "up";
      const l = [0, 1, 2].map(() => Math.round(e.base * (slow ? 4 : 1) * (0.7 + rnd() * 0.6)));
      const rec: Record<string, unknown> = { t: iso, id, s, l, ok: down ? 0 : 3, n: 3 };
      if (s !== "up") rec.r = down ? "connection refused" : "p95 above 800 ms";
      lines.push(JSON.stringify(rec));
    });
    yield { day: iso.slice(0, 10), lines };
  }
}

/** Writes the runs to reports/history/*.jsonl, buffering one day at a time. */
export async function writeHistory(
  dataDir: string,
  runs: Iterable<{ day: string; lines: string[] }>,
  onDay?: (day: string) => Promise<void>,
): Promise<number> {
  const dir = join(dataDir, "reports", "history");
  await mkdir(dir, { recursive: true });
  let count = 0;
  let day = "";
  let buf: string[] = [];
  const flush = async () => {
    if (!buf.length) return;
    await appendFile(join(dir, `${day}.jsonl`), buf.join("\n") + "\n");
    if (onDay) await onDay(day);
    buf = [];
  };
  for (const run of runs) {
    if (run.day !== day) {
      await flush();
      day = run.day;
    }
    buf.push(...run.lines);
    count += run.lines.length;
  }
  await flush();
  return count;
}

/** A latest.json consistent with the last run of the history. */
export function syntheticLatest(
  config: OpsConfig,
  at: string,
  overrides: Record<string, Partial<{ status: Status; reason: string }>> = {},
): Latest {
  const services: Latest["services"] = {};
  for (const s of config.services) {
    const o = overrides[s.id] ?? {};
    const status = o.status ?? "up";
    services[s.id] = {
      id: s.id,
      name: s.name,
      environment: s.environment,
      criticality: s.criticality,
      type: "http",
      status,
      reason: o.reason ?? (status === "up" ? "" : status),
      since: "2026-11-01T00:00:00.000Z",
      checkedAt: at,
      ratings: {},
      metrics: {
        successRate: status === "down" ? 0 : 100,
        okCount: status === "down" ? 0 : 3,
        count: 3,
        p50: 120,
        p95: 180,
        statusCodes: [200],
        attempts: 1,
      },
      breaches: {},
      consecutiveFailures: 0,
      consecutiveSuccesses: 1,
    };
  }
  const groups: Latest["groups"] = {};
  for (const g of config.groups) {
    const members = Object.fromEntries(g.members.map((m) => [m, services[m]!.status]));
    const operational = Object.values(members).filter((s) => s === "up" || s === "degraded").length;
    groups[g.id] = {
      id: g.id,
      name: g.name,
      environment: g.environment,
      criticality: g.criticality,
      status: operational >= g.quorum.green ? "up" : operational >= g.quorum.yellow ? "degraded" : "down",
      reason: operational >= g.quorum.green ? "" : `${operational}/${g.members.length} operational`,
      since: "2026-11-01T00:00:00.000Z",
      checkedAt: at,
      operational,
      total: g.members.length,
      members,
    };
  }
  return {
    version: 1,
    updatedAt: at,
    run: { startedAt: at, finishedAt: at, durationMs: 1000, offline: false, locations: [] },
    services,
    groups,
    incidents: {},
  };
}
