import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fleetTable } from "../../actions/probe/table.ts";
import type { Log } from "../../actions/shared/log.ts";
import { printingNotifier } from "../../actions/incident/notify/index.ts";
import { validateConfig } from "../../actions/shared/config/load.ts";
import { createGitHubClient } from "../../actions/shared/github/client.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { type CliDeps, cliLog, common, ExitError, parse, usage } from "../cli/context.ts";
import { type CycleOutput, fullRun } from "../../actions/shared/cycle/run.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { demoConfig, demoEnv } from "../demo/config.ts";
import { startFleet } from "../demo/fleet.ts";
import { startProtocols } from "../demo/protocols.ts";
import { serveFolder } from "../demo/serve.ts";

const RUN_EVERY_MS = 5 * 60_000;
/** The emulator's token: local, fake, never a real credential. */
const DEMO_GITHUB_TOKEN = "ghs_demo_loopback_only";

/** A human on the emulator: `login` comments `/ack` on the open issue of incident `key` (found by its marker). */
function acknowledge(gh: GitHubServer, key: string, login: string, when: Date, out: (line: string) => void): void {
  const issue = [...gh.state.issues.values()].find(
    (i) => i.state === "open" && (i.body ?? "").includes(`"key":"${key}"`),
  );
  if (!issue) return out(`   (no open issue for ${key} to acknowledge)\n`);
  const at = when.toISOString();
  gh.state.comments.push({
    id: gh.state.nextId(),
    issue: issue.number,
    body: "/ack looking at the database",
    user: login,
    createdAt: at,
    updatedAt: at,
  });
  out(`   ${login} comments "/ack" on #${issue.number} (${key}) at ${at}\n`);
}

/** The demo replays several runs; each distinct log line is worth reading once. */
function onceLog(log: Log): Log {
  const seen = new Set<string>();
  const once = (write: (m: string) => void) => (m: string) => {
    const key = m.replace(/\d+ file\(s\)/, "");
    if (!seen.has(key)) seen.add(key), write(m);
  };
  return { info: once(log.info), warn: once(log.warn) };
}

/**
 * `ops demo` (what `npm start` runs): a simulated HotDash fleet on loopback — healthy services, one
 * slow (degraded), one failing (down), the MCP group with one member down, a Fly app and Fly
 * metrics — and the full cycle against it, replayed as `--runs` scheduled runs five minutes apart
 * (virtual time, so the demo takes seconds), into a scratch data directory (`.demo/` unless --data
 * is given). No token, no internet: incidents go to a GitHub REST emulator on loopback (the one the
 * tests check against GitHub's OpenAPI description), and notifications are only printed.
 */
export async function demoCommand(argv: string[], deps: CliDeps): Promise<number> {
  const { values } = parse(argv, {
    runs: { type: "string", default: "6", arg: "N", help: "scheduled runs to replay, five minutes apart, 1–50" },
    serve: { type: "boolean", default: false, help: "keep serving the status site it builds on loopback until Ctrl-C" },
  });
  const opts = common(values, deps);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw usage(`--runs: expected a whole number from 1 to 50, found "${String(values.runs)}"`);
  const dataDir = values.data ? opts.dataDir : resolve(deps.cwd, ".demo");
  await rm(dataDir, { recursive: true, force: true });
  const log = onceLog(cliLog(deps.io));
  // Whatever fails, every server already started is closed, so the process never hangs on them.
  const closers: Array<() => Promise<void>> = [];
  try {
    const fleet = await startFleet({ slowMs: 900, initial: { "hotdash-staging": "healthy" } });
    closers.push(() => fleet.close());
    const protocols = await startProtocols();
    closers.push(() => protocols.close());
    const gh = await startGitHubServer({ owner: "hotdash", repo: "ops", token: DEMO_GITHUB_TOKEN });
    closers.push(() => gh.close());
    if (!gh.validated)
      deps.io.out(
        "Demo: GitHub's OpenAPI description is not installed (a production install), so the GitHub emulator does not check requests against it\n",
      );
    const checked = validateConfig(demoConfig(fleet, protocols));
    if (!checked.ok)
      throw new ExitError(
        1,
        `the embedded demo config is invalid (a bug): ${JSON.stringify(checked.problems.slice(0, 3))}`,
      );
    const config = checked.config;
    const count = fleet.services.size + protocols.mcp.size + 3;
    // A writer of the repository, whose ChatOps commands count.
    gh.state.collaborators.set("alice", "write");
    deps.io.out(
      `Demo: ${count} simulated services on 127.0.0.1, ${runs} runs ${RUN_EVERY_MS / 60_000} min apart; data in ${dataDir}\n`,
    );

    const github = createGitHubClient({
      token: DEMO_GITHUB_TOKEN,
      repository: "hotdash/ops",
      apiUrl: gh.url,
      writeSpacingMs: 0,
      retryUnitMs: 1,
    });
    // The emulator checks every request against GitHub's OpenAPI description, loaded on its first
    // request. The pipeline reads maintenance issues while it probes; in this one process, that
    // load would stall the first run's probes, so it happens before the timeline starts.
    await github.listIssues({ state: "open" });
    const notifier = printingNotifier((line) => deps.io.out(`   ${line}\n`), config.notifications);
    const end = opts.runAt.getTime();
    let out: CycleOutput | undefined;
    for (let i = 0; i < runs; i++) {
      // The story: staging fails after the first run and recovers two runs before the end.
      // Then the database fails and takes the Agent SDK and LlamaIndex MCP with it: one incident
      // (Supabase) listing them, and alice (a writer) acknowledges it with /ack: no escalation follows.
      if (i === 1) fleet.set("hotdash-staging", "failing");
      const dependencyOutage = ["supabase", "agent-service", "llamaindex-mcp"];
      if (i === 2) for (const id of dependencyOutage) fleet.set(id, "failing");
      if (i === 3)
        acknowledge(gh, "service:supabase", "alice", new Date(end - (runs - 1 - i) * RUN_EVERY_MS - 60_000), (line) =>
          deps.io.out(line),
        );
      if (runs >= 4 && i === runs - 2)
        for (const id of ["hotdash-staging", ...dependencyOutage]) fleet.set(id, "healthy");
      const runAt = new Date(end - (runs - 1 - i) * RUN_EVERY_MS);
      deps.io.out(`\n── run ${i + 1}/${runs} at ${runAt.toISOString()}\n`);
      const ctx = {
        config,
        dataDir,
        runAt,
        clock: opts.clock,
        env: demoEnv(fleet, protocols),
        log,
        redactor: createRedactor(),
        dryRun: false,
      };
      // The last run also builds the status site from its own state into <data>/site.
      out = await fullRun(ctx, { github, notifier, ...(i === runs - 1 && { site: join(dataDir, "site") }) });
      const changes = out.probe.transitions.filter((t) => t.from !== "new" || t.to !== "up");
      deps.io.out(
        `   status changes: ${changes.length ? changes.map((t) => `${t.id} ${t.from} → ${t.to}`).join(", ") : "none"}\n`,
      );
      for (const o of out.incidents?.operations ?? [])
        if (o.op !== "record") deps.io.out(`   GitHub: ${o.op} issue #${o.issue ?? "?"} (${o.key}) ${o.detail}\n`);
    }
    if (!out) return 0;
    deps.io.out(`\n${fleetTable(out.probe.latest)}\n\n`);
    for (const n of out.notes) deps.io.out(`${n}\n`);
    for (const e of out.errors) deps.io.out(`error: ${e}\n`);
    for (const i of Object.values(out.incidents?.latest.incidents ?? out.probe.latest.incidents)) {
      if (i.ackedBy)
        deps.io.out(
          `Acknowledged: #${i.number} ${i.subject} by ${i.ackedBy} at ${i.ackedAt}; escalation level ${i.escalationLevel} (no escalation or reminder after the /ack).\n`,
        );
      else if (i.escalationLevel > 1)
        deps.io.out(`Not acknowledged: #${i.number} ${i.subject} escalated to Level ${i.escalationLevel}.\n`);
    }
    deps.io.out("\nIssues on the loopback GitHub:\n");
    for (const issue of [...gh.state.issues.values()].sort((a, b) => a.number - b.number)) {
      const labels = issue.labels.join(", ");
      const comments = gh.state.comments.filter((c) => c.issue === issue.number).length;
      deps.io.out(`  #${issue.number} [${issue.state}] ${issue.title} (${labels}; ${comments} comment(s))\n`);
    }
    deps.io.out(
      `\nOpen ${dataDir}/reports/STATUS.md for the status page, ${dataDir}/incidents/ for the incident records; reports/latest.json holds the state.\n`,
    );
    const site = join(dataDir, "site");
    deps.io.out(
      `The status site: ${site}/index.html (${values.serve ? "served below" : "or run npm start -- --serve"}).\n`,
    );
    if (values.serve) {
      // Left running: the process ends when the reader stops it (Ctrl-C).
      const served = await serveFolder(site);
      deps.io.out(`Serving the status site at ${served.url} (loopback only); press Ctrl-C to stop.\n`);
    }
    return 0;
  } finally {
    for (const close of closers.reverse())
      await close().catch((e: unknown) => deps.io.err(`ops demo: closing a demo server failed: ${String(e)}\n`));
  }
}
