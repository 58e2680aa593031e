/**
 * `npm run bench:incidents`: the incident step against the local GitHub emulator (loopback, its
 * OpenAPI checks on) for a fleet of N services — a mass outage, quiet runs, an escalation, the
 * recovery. Prints wall time and GitHub requests per run: the quiet-run figure is the API budget a
 * scheduled monitor spends every 5 minutes.
 *
 * BENCH_SPACING chooses how writes are paced: "none" (default: the emulator's own speed), "github"
 * (the client's default, GitHub's secondary-limit budgets), "fixed" (the former default: every write
 * 1 s apart, issues and comments 3 s). BENCH_SERVICES sets the fleet size (60).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { createGitHubClient } from "../../actions/shared/github/client.ts";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import { printingNotifier } from "../../actions/incident/notify/index.ts";
import { runIncidents } from "../../actions/incident/step.ts";
import { loadTemplate } from "../../actions/incident/template.ts";
import { startGitHubServer } from "../../emulators/github/server.ts";
import { silentLog } from "../../actions/shared/log.ts";
import { activeMaintenance } from "../../actions/shared/maintenance.ts";

const N = Number(process.env.BENCH_SERVICES ?? 60);
const MIN = 60_000;
const gh = await startGitHubServer({ token: "bench-token" });
const clock = manualClock("2026-11-22T16:00:00Z");
gh.state.now = () => clock.now();
const dataDir = await mkdtemp(join(tmpdir(), "bench-incidents-"));
const config = OpsConfig.parse({
  services: Array.from({ length: N }, (_, i) => ({
    id: `svc-${i}`,
    name: `Service ${i}`,
    criticality: i % 2 ? "critical" : "medium",
    probe: { type: "http", url: `https://svc-${i}.example.test` },
  })),
});
const pacing = process.env.BENCH_SPACING ?? "none";
const spacing = { none: { writeSpacingMs: 0 }, fixed: { writeSpacingMs: 1_000 }, github: {} }[pacing];
if (!spacing) throw new Error(`BENCH_SPACING=${pacing}: expected none, github or fixed`);
const github = createGitHubClient({
  token: "bench-token",
  repository: "hotdash/ops",
  apiUrl: gh.url,
  retryUnitMs: 1,
  timeoutMs: 30_000,
  ...spacing,
});
const template = await loadTemplate();
const at = () => clock.now().toISOString();
let latest: Latest = {
  version: 1,
  updatedAt: at(),
  run: { startedAt: at(), finishedAt: at(), durationMs: 1, offline: false, locations: [] },
  services: Object.fromEntries(
    config.services.map((s) => [
      s.id,
      {
        id: s.id,
        name: s.name,
        environment: s.environment,
        criticality: s.criticality,
        type: "http",
        status: "down" as const,
        reason: "refused",
        since: at(),
        checkedAt: at(),
        ratings: {},
        breaches: {},
        consecutiveFailures: 1,
        consecutiveSuccesses: 0,
        metrics: { successRate: 0, okCount: 0, count: 3, statusCodes: [], attempts: 3 },
      },
    ]),
  ),
  groups: {},
  incidents: {},
};

async function run(label: string) {
  const before = gh.requests.length;
  const t = performance.now();
  const r = await runIncidents({
    config,
    latest,
    github,
    clock,
    dataDir,
    notifier: printingNotifier(() => {}, config.notifications),
    redactor: createRedactor(),
    log: silentLog,
    template,
    maintenance: activeMaintenance([], [], clock.now()),
    budgetAlerts: [],
  });
  const ms = performance.now() - t;
  latest = r.latest;
  const requests = gh.requests.slice(before);
  const writes = requests.filter((q) => q.method !== "GET").length;
  const creates = requests.filter((q) => q.method === "POST").length;
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${String(requests.length).padStart(4)} requests (${writes} writes)  errors ${r.errors.length}`,
  );
  return { ms, requests: requests.length, writes, creates };
}

console.log(`incident step, ${N} services, GitHub emulator on loopback (OpenAPI checks on), write pacing: ${pacing}`);
const outage = await run(`mass outage: open ${N} issues`);
const quiet: number[] = [];
for (let i = 0; i < 5; i++) {
  clock.advance(5 * MIN);
  quiet.push((await run(`quiet run ${i + 1}`)).requests);
}
clock.set("2026-11-22T16:30:00Z");
await run("30 min: P0 escalations");
for (const s of Object.values(latest.services)) Object.assign(s, { status: "up", since: at(), reason: "" });
clock.advance(5 * MIN);
await run("recovery, first good run");
clock.advance(5 * MIN);
const close = await run(`recovery: close ${N} issues`);
console.log(
  `quiet-run GitHub budget: ${Math.max(...quiet)} requests per run (independent of fleet size up to 100 open issues per page)`,
);
const spaced = (r: { writes: number; creates: number }) => ((r.creates * 3 + (r.writes - r.creates)) / 60).toFixed(1);
if (pacing === "none")
  console.log(
    `with the former fixed spacing (1 s, issues/comments 3 s) the mass outage would take ≥ ${spaced(outage)} min, the mass close ≥ ${spaced(close)} min`,
  );
if (gh.violations.length) console.log(`emulator violations: ${gh.violations.length}`);
await gh.close();
await rm(dataDir, { recursive: true, force: true });
