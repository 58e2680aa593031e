import type { Latest } from "../store/latest-schema.ts";

/**
 * The commit policy (see docs/workflows.md, "Repository growth"). Every run's data is pushed, but
 * only to the `ops/pending` branch, amended in place; the default branch gets a commit when
 * something a reader cares about changed, and at least every `every` ms. That keeps the default
 * branch's history ~12× shorter (≤ 5 MB a month) without ever holding results only on a runner.
 */
export interface FlushInput {
  /** latest.json as the default branch has it (undefined: first run). */
  committed: Latest | undefined;
  /** latest.json this run wrote. */
  next: Latest | undefined;
  /** Files new in this run's change set (a new day file, a due report, an incident record). */
  addedFiles: readonly string[];
  now: Date;
  /** Longest time the default branch may lag the data; 0 = commit every run. */
  everyMs: number;
}

export type FlushDecision = { flush: true; why: string } | { flush: false; why: string };

/** Statuses whose changes are news at once (issues, pages); up ↔ degraded waits for the heartbeat. */
const URGENT = new Set(["down", "unknown", "maintenance"]);

export function shouldFlush(input: FlushInput): FlushDecision {
  const { committed, next } = input;
  if (input.everyMs <= 0) return { flush: true, why: "commit every run" };
  if (!committed || !next) return { flush: true, why: "no committed latest.json to compare with" };
  if (committed.run.offline !== next.run.offline)
    return { flush: true, why: next.run.offline ? "runner went offline" : "runner back online" };
  for (const s of Object.values(next.services)) {
    const before = committed.services[s.id]?.status;
    if (before !== s.status && (before === undefined || URGENT.has(before) || URGENT.has(s.status))) {
      return { flush: true, why: `${s.id} ${before ?? "new"} → ${s.status}` };
    }
  }
  for (const g of Object.values(next.groups)) {
    const before = committed.groups[g.id]?.status;
    if (before !== g.status && (before === undefined || URGENT.has(before) || URGENT.has(g.status))) {
      return { flush: true, why: `group ${g.id} ${before ?? "new"} → ${g.status}` };
    }
  }
  const incident = Object.values(next.incidents).find((i) => {
    const before = committed.incidents[i.key];
    return !before || before.state !== i.state || before.severity !== i.severity || before.number !== i.number;
  });
  if (incident) return { flush: true, why: `incident ${incident.key} ${incident.state}` };
  const added = input.addedFiles[0];
  if (added) return { flush: true, why: `new file ${added}` };
  const age = input.now.getTime() - Date.parse(committed.updatedAt);
  if (!(age < input.everyMs)) return { flush: true, why: `default branch ${Math.round(age / 60_000)} min behind` };
  return {
    flush: false,
    why: `no news; default branch ${Math.round(age / 60_000)} min behind (flush at ${Math.round(input.everyMs / 60_000)})`,
  };
}
