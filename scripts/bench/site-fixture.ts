import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordPath, renderRecord } from "../../actions/incident/records.ts";
import type { Subject } from "../../actions/incident/subjects.ts";
import { loadTemplate } from "../../actions/incident/template.ts";
import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import type { IncidentState, Latest } from "../../actions/shared/store/latest-schema.ts";
import { compactHistory } from "../../actions/shared/store/rollup.ts";
import { syntheticConfig, syntheticLatest, syntheticRuns, writeHistory } from "./synthetic.ts";

/**
 * The status site's fixture: a year of history for 30 services written and rolled up through the
 * real store path, a latest.json with a service down and one in maintenance, and incidents — one
 * open with public updates (one of them hostile markup), one resolved last week, one resolved
 * 200 days ago kept in latest.json's archive — with records rendered by the incident step's code.
 */
export const SITE_NOW = "2026-11-22T16:20:00.000Z";
const DAY = 86_400_000;

export interface SiteFixture {
  dir: string;
  config: OpsConfig;
  latest: Latest;
  now: number;
}

/**
 * Adds bad days the strips can show: about one day in a hundred per service with two hours down,
 * and one in fifty with an hour down, placed by a fixed rule so every build is the same.
 */
function* withBadDays(runs: Iterable<{ day: string; lines: string[] }>): Generator<{ day: string; lines: string[] }> {
  for (const run of runs) {
    const d = Math.floor(Date.parse(run.day) / DAY);
    yield {
      day: run.day,
      lines: run.lines.map((line, i) => {
        const hour = Number(line.slice(17, 19));
        const long = (i * 31 + d * 17) % 97 === 0 && hour < 2;
        const short = (i * 7 + d * 13) % 53 === 0 && hour === 12;
        return long || short ? line.replace(/"s":"(up|degraded)"/, '"s":"down"').replace(/"ok":3/, '"ok":0') : line;
      }),
    };
  }
}

export const HOSTILE = `<script>alert("pwned")</script> & <img src=x onerror=alert(1)> "quoted" ]]>`;

/** The fixture's config: deterministic, so a measuring process can rebuild it without the history. */
export function siteFixtureConfig(services: number, cadenceMs: number): OpsConfig {
  return syntheticConfig(services, {
    title: "Synthetic status",
    // Hourly history in tests: a gap limit above the cadence keeps it known time.
    retention: { rawDays: 35, gapLimit: Math.max(1_200_000, 2 * cadenceMs) },
    maintenance: [
      { services: ["svc-07"], start: "2026-11-22T16:00:00Z", end: "2026-11-22T18:00:00Z", reason: "database upgrade" },
      {
        services: ["svc-08"],
        weekly: { days: ["sun"], start: "02:00", duration: 7_200_000 },
        timezone: "Europe/Berlin",
        reason: "weekly patching",
      },
    ],
  });
}

export async function buildSiteFixture(
  options: { services?: number; cadenceMs?: number; compactDaily?: boolean } = {},
): Promise<SiteFixture> {
  const cadenceMs = options.cadenceMs ?? 3_600_000;
  const dir = await mkdtemp(join(tmpdir(), "site-fixture-"));
  const config = siteFixtureConfig(options.services ?? 30, cadenceMs);
  const now = Date.parse(SITE_NOW);
  const log = { info: () => {}, warn: () => {} };
  await writeHistory(
    dir,
    withBadDays(
      syntheticRuns(config, {
        from: now - 365 * DAY,
        to: now - 60_000,
        cadenceMs,
        jitterMs: Math.min(cadenceMs / 4, 90_000),
        seed: 7,
      }),
    ),
    options.compactDaily
      ? async (day) =>
          void (await compactHistory({
            dataDir: dir,
            config,
            now: new Date(Math.min(Date.parse(day) + DAY + 1_800_000, now)),
            log,
          }))
      : undefined,
  );
  await compactHistory({ dataDir: dir, config, now: new Date(now), log });

  const latest = syntheticLatest(config, "2026-11-22T16:18:00.000Z", {
    "svc-01": { status: "down", reason: "timeout after 10 s (total) <b>not bold</b>" },
    "svc-07": { status: "maintenance", reason: "database upgrade (until 2026-11-22T18:00:00.000Z)" },
  });
  const template = await loadTemplate();
  const subject = (id: string, status: "down" | "degraded", reason: string): Subject => {
    const s = config.services.find((x) => x.id === id)!;
    return {
      key: `service:${id}`,
      kind: "service",
      id,
      name: s.name,
      environment: s.environment,
      criticality: s.criticality,
      status,
      reason,
      since: "",
      evidence: reason,
    };
  };
  const base = { escalationLevel: 1, goodRuns: 0, notified: [] as string[], evidence: {} };
  const open: IncidentState = {
    ...base,
    key: "service:svc-01",
    kind: "service",
    subject: "svc-01",
    number: 41,
    url: "https://github.com/hotdash/ops/issues/41",
    state: "open",
    severity: "P0",
    status: "down",
    openedAt: "2026-11-22T15:10:00.000Z",
    startedAt: "2026-11-22T15:05:00.000Z",
    timeline: [
      { at: "2026-11-22T15:05:00.000Z", text: "Service 01 down: timeout after 10 s (total)" },
      { at: "2026-11-22T15:10:00.000Z", text: "Incident opened (P0)" },
    ],
    evidence: { worst: "down", latest: "timeout after 10 s (total)" },
    updates: [
      {
        at: "2026-11-22T15:20:00.000Z",
        phase: "investigating",
        author: "alice",
        text: "We are investigating timeouts on the API.",
        commentId: 9001,
      },
      {
        at: "2026-11-22T15:50:00.000Z",
        phase: "identified",
        author: "bob",
        text: `A bad deploy; rolling back. ${HOSTILE}`,
        commentId: 9002,
      },
    ],
  };
  const resolved: IncidentState = {
    ...base,
    key: "service:svc-03",
    kind: "service",
    subject: "svc-03",
    number: 38,
    url: "https://github.com/hotdash/ops/issues/38",
    state: "closed",
    severity: "P2",
    status: "up",
    openedAt: "2026-11-18T09:10:00.000Z",
    startedAt: "2026-11-18T09:00:00.000Z",
    recoveredAt: "2026-11-18T09:47:00.000Z",
    closedAt: "2026-11-18T09:57:00.000Z",
    closedBy: "automation",
    goodRuns: 2,
    timeline: [
      { at: "2026-11-18T09:00:00.000Z", text: "Service 03 down: connection refused" },
      { at: "2026-11-18T09:10:00.000Z", text: "Incident opened (P2)" },
      { at: "2026-11-18T09:57:00.000Z", text: "Resolved after 47 min" },
    ],
    evidence: { worst: "down" },
    updates: [
      {
        at: "2026-11-18T09:15:00.000Z",
        phase: "investigating",
        author: "alice",
        text: "Connections are refused; looking.",
        commentId: 8001,
      },
      {
        at: "2026-11-18T09:40:00.000Z",
        phase: "monitoring",
        author: "alice",
        text: "Restarted; watching.",
        commentId: 8002,
      },
      {
        at: "2026-11-18T10:00:00.000Z",
        phase: "resolved",
        author: "alice",
        text: "Resolved: all requests succeed again.",
        commentId: 8003,
      },
    ],
  };
  const old: IncidentState = {
    ...base,
    key: "service:svc-05",
    kind: "service",
    subject: "svc-05",
    number: 7,
    url: "https://github.com/hotdash/ops/issues/7",
    state: "closed",
    severity: "P3",
    status: "up",
    openedAt: "2026-05-06T10:00:00.000Z",
    startedAt: "2026-05-06T09:55:00.000Z",
    recoveredAt: "2026-05-06T11:10:00.000Z",
    closedAt: "2026-05-06T11:20:00.000Z",
    closedBy: "automation",
    timeline: [{ at: "2026-05-06T09:55:00.000Z", text: "Service 05 degraded: p95 above 800 ms" }],
    evidence: { worst: "degraded" },
    updates: [
      {
        at: "2026-05-06T10:30:00.000Z",
        phase: "identified",
        author: "carol",
        text: "Slow queries | fixed with an index",
        commentId: 7001,
      },
    ],
  };
  await mkdir(join(dir, "incidents"), { recursive: true });
  for (const [state, reason] of [
    [open, "timeout after 10 s (total)"],
    [resolved, "connection refused"],
    [old, "p95 above 800 ms"],
  ] as const) {
    const s = subject(state.subject, state.status === "down" ? "down" : "degraded", reason);
    state.record = recordPath(state, { ...s, status: (state.evidence.worst as "down") ?? "down" });
    await writeFile(join(dir, state.record), renderRecord(template, state, s, undefined));
  }
  // The old incident: a newer one of svc-05 replaced it long ago, so it lives in latest.json's archive.
  latest.incidents = { [open.key]: open, [resolved.key]: resolved };
  latest.archive = [old];
  await mkdir(join(dir, "reports"), { recursive: true });
  await writeFile(join(dir, "reports", "latest.json"), JSON.stringify(latest, null, 2));
  return { dir, config, latest, now };
}
