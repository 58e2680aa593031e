import type { Severity } from "../../shared/status.ts";
import { jsonText } from "./feeds.ts";
import { OVERALL_TEXT } from "./layout.ts";
import type { SiteModel } from "./model.ts";
import type { StatusJson } from "./status-schema.ts";

/** `status.json`: the site's content for machines (schema: docs/status.schema.json). */
export function statusJson(model: SiteModel): string {
  const iso = (t: number) => new Date(t).toISOString();
  const round = (v: number | undefined) => (v === undefined ? undefined : Math.floor(v * 100) / 100);
  const doc: StatusJson = {
    version: 1,
    title: model.title,
    generatedAt: iso(model.builtAt),
    ...(model.dataAt !== undefined && { dataAt: iso(model.dataAt) }),
    ...(model.staleAfter !== undefined && { staleAfter: iso(model.staleAfter) }),
    stale: model.staleAtBuild,
    overall: { status: model.overall, description: OVERALL_TEXT[model.overall] },
    services: model.services.map((s) => ({
      id: s.id,
      name: s.name,
      environment: s.environment,
      status: s.status,
      reason: s.reason,
      ...(s.since && { since: s.since }),
      ...(s.checkedAt && { checkedAt: s.checkedAt }),
      uptime: JSON.parse(
        JSON.stringify({
          h24: round(s.uptime.h24),
          d7: round(s.uptime.d7),
          d30: round(s.uptime.d30),
          d90: round(s.uptime.d90),
        }),
      ),
      ...(s.p95h24 !== undefined && { p95Ms24h: s.p95h24 }),
      page: `services/${s.id}.html`,
    })),
    groups: model.environments.flatMap((e) =>
      e.groups.map((g) => ({
        id: g.id,
        name: g.name,
        environment: g.environment,
        status: g.status,
        ...(g.operational !== undefined && { operational: g.operational }),
        total: g.total,
      })),
    ),
    incidents: model.incidents.map((i) => ({
      id: i.slug,
      title: i.title,
      ...(i.subjectId && { service: i.subjectId }),
      ...(i.severity && { severity: i.severity as Severity }),
      state: i.open ? "open" : "resolved",
      ...(i.startedAt !== undefined && { startedAt: iso(i.startedAt) }),
      ...(i.endedAt !== undefined && { resolvedAt: iso(i.endedAt) }),
      ...(i.startedAt !== undefined && { durationMs: Math.max(0, (i.endedAt ?? model.builtAt) - i.startedAt) }),
      ...(i.url && { issue: i.url }),
      page: `incidents/${i.slug}.html`,
      updates: i.updates.map((u) => ({ at: u.at, phase: u.phase, text: u.text })),
    })),
    maintenance: [
      ...model.maintenance.current.map((m) => ({ state: "current" as const, ...window(m) })),
      ...model.maintenance.upcoming.map((m) => ({ state: "upcoming" as const, ...window(m) })),
    ],
  };
  return `${jsonText(doc)}\n`;

  function window(m: SiteModel["maintenance"]["current"][number]) {
    return {
      services: m.services,
      ...(m.start !== undefined && { start: iso(m.start) }),
      ...(m.end !== undefined && { end: iso(m.end) }),
      ...(m.every && { every: m.every }),
      reason: m.reason,
    };
  }
}
