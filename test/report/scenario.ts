import { appendFile, mkdir, mkdtemp, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import { compactHistory } from "../../actions/shared/store/rollup.ts";
import { syntheticConfig, syntheticLatest, syntheticRuns, writeHistory } from "../../scripts/bench/synthetic.ts";

/**
 * The golden scenario: 40 days of irregular runs for 9 services, compacted as `ops run` would,
 * then everything that goes wrong in real stores — a missing day, a torn record, a service added
 * and one removed mid-window, records out of order and from a clock running ahead — plus open
 * and closed incidents, a maintenance window and a README with the status markers.
 */
export const NOW = "2026-11-23T10:05:00.000Z";
const DAY = 86_400_000;

export interface Scenario {
  dir: string;
  config: OpsConfig;
  latest: Latest;
}

export async function buildScenario(): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), "report-golden-"));
  const base = syntheticConfig(9, {
    title: "HotDash status (golden)",
    maintenance: [
      { services: ["svc-03"], start: "2026-11-24T02:00:00Z", end: "2026-11-24T03:00:00Z", reason: "database upgrade" },
    ],
  });
  const now = Date.parse(NOW);
  const from = now - 40 * DAY;
  await writeHistory(
    dir,
    syntheticRuns(base, { from, to: now - 60_000, cadenceMs: 300_000, jitterMs: 300_000, seed: 11 }),
  );
  const hist = (day: string) => join(dir, "reports", "history", `${day}.jsonl`);
  const iso = (t: number) => new Date(t).toISOString();
  const line = (t: number, id: string, s: string, l: number[]) =>
    JSON.stringify({
      t: iso(t),
      id,
      s,
      l,
      ok: s === "down" ? 0 : l.length,
      n: l.length,
      ...(s !== "up" && { r: `${s} (synthetic)` }),
    });

  // Removed mid-window: history for 20 days, then gone from the config.
  for (let t = from; t < from + 20 * DAY; t += 3_600_000)
    await appendFile(hist(iso(t).slice(0, 10)), line(t, "svc-retired", "up", [50]) + "\n");
  // Added mid-window: only the last 2 days, with a long gap (unknown) in between.
  for (let t = now - 2 * DAY; t < now - 60_000; t += 600_000) {
    if (t > now - 30 * 3_600_000 && t < now - 26 * 3_600_000) continue;
    await appendFile(hist(iso(t).slice(0, 10)), line(t, "svc-new", t % 7 === 0 ? "down" : "up", [220, 240]) + "\n");
  }
  // Out of order: an outage record for svc-00 appended at the end of yesterday's file.
  await appendFile(hist("2026-11-22"), line(Date.parse("2026-11-22T03:02:00Z"), "svc-00", "down", [10_000]) + "\n");
  // Clock ahead: records dated after the report time.
  await appendFile(hist("2026-11-23"), line(now + 2 * 3_600_000, "svc-00", "up", [100]) + "\n");
  // A torn record from a crashed run.
  await appendFile(hist("2026-11-22"), '{"t":"2026-11-22T12:00:00.000Z","id":"svc-0');
  // A missing day, before it was rolled up.
  await unlink(hist("2026-11-13"));

  const config: OpsConfig = {
    ...base,
    services: [...base.services, { ...base.services[2]!, id: "svc-new", name: "New service", environment: "staging" }],
  };
  await compactHistory({ dataDir: dir, config, now: new Date(now), log: { info: () => {}, warn: () => {} } });

  const latest = syntheticLatest(config, "2026-11-23T10:03:00.000Z", {
    "svc-01": { status: "down", reason: "timeout after 10 s (total)" },
    "svc-04": { status: "degraded", reason: "p95 912 ms above 800 ms" },
    "svc-06": { status: "down", reason: "connection refused" },
  });
  latest.incidents["service:svc-01"] = {
    key: "service:svc-01",
    kind: "service",
    subject: "svc-01",
    number: 12,
    url: "https://github.com/hotdash/ops/issues/12",
    state: "open",
    severity: "P1",
    status: "down",
    openedAt: "2026-11-23T09:40:00.000Z",
    escalationLevel: 1,
    goodRuns: 0,
    notified: [],
    timeline: [],
    evidence: {},
  };
  latest.incidents["budget:svc-02"] = {
    key: "budget:svc-02",
    kind: "budget",
    subject: "svc-02",
    number: 9,
    url: "https://github.com/hotdash/ops/issues/9",
    state: "closed",
    severity: "P3",
    status: "up",
    openedAt: "2026-11-17T08:00:00.000Z",
    closedAt: "2026-11-17T11:30:00.000Z",
    escalationLevel: 1,
    goodRuns: 2,
    notified: [],
    timeline: [],
    evidence: {},
  };
  // A closed incident a newer one replaced: the reports know it from latest.json's archive (its
  // record stays beside, for people; the reports never parse it back).
  latest.archive = [
    {
      key: "service:svc-05",
      kind: "service",
      subject: "svc-05",
      number: 7,
      record: "incidents/2026-11-18-svc-05-connection-refused.md",
      state: "closed",
      severity: "P2",
      status: "up",
      openedAt: "2026-11-18T14:12:00.000Z",
      startedAt: "2026-11-18T14:10:00.000Z",
      recoveredAt: "2026-11-18T14:57:00.000Z",
      closedAt: "2026-11-18T15:07:00.000Z",
      escalationLevel: 1,
      goodRuns: 2,
      notified: [],
      timeline: [],
      evidence: {},
    },
  ];
  await mkdir(join(dir, "incidents"), { recursive: true });
  await writeFile(
    join(dir, "incidents", "2026-11-18-svc-05-connection-refused.md"),
    [
      "# Incident Report: svc-05 connection refused",
      "",
      "**Date**: 2026-11-18",
      "**Severity**: P2",
      "**Start**: 2026-11-18T14:10:00Z",
      "**End**: 2026-11-18T14:57:00Z",
      "**Issue**: #7",
      "",
    ].join("\n"),
  );
  await writeFile(
    join(dir, "README.md"),
    "# HotDash ops\n\nIntro.\n\n<!-- status:start -->\nold table\n<!-- status:end -->\n\nMore text.\n",
  );
  return { dir, config, latest };
}
