/**
 * Every entry is a thin composition of the one pipeline: each action and its matching CLI command,
 * run on the same fixture at the same --now, write the same bytes and make the same GitHub
 * requests. The actions run as GitHub runs them (a separate process, INPUT_* variables); the CLI
 * commands run in-process through `main`.
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import { startGitHubServer, type GitHubServer } from "../../emulators/github/server.ts";
import { main } from "../../scripts/cli/main.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const NOW = "2026-11-22T16:00:00.000Z";
const TOKEN = "ghs_entries_token_123456";
const MIN = 60_000;

let server: Server;
let base = "";
let scratch = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === "/fail" ? 503 : 200, { "content-type": "application/json" }).end('{"status":"ok"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scratch = await mkdtemp(join(tmpdir(), "ops-entries-"));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  if (!process.env.KEEP_SCRATCH) await rm(scratch, { recursive: true, force: true });
});

/**
 * web is up, api down (an incident), db failing inside a config maintenance window, and pay up now
 * after an hour down in its history: its error budget still burns (a page rule fires).
 */
async function fixture(name: string): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(join(dir, "reports", "history"), { recursive: true });
  await writeFile(
    join(dir, "ops.config.yml"),
    `services:
  - { id: web, name: Web, criticality: critical, probe: { type: http, url: "${base}/ok" } }
  - { id: api, name: API, criticality: high, probe: { type: http, url: "${base}/fail" } }
  - { id: db, name: DB, probe: { type: http, url: "${base}/fail" } }
  - { id: pay, name: Pay, criticality: high, probe: { type: http, url: "${base}/ok" } }
maintenance:
  - { services: [db], start: "2026-11-22T15:50:00Z", end: "2026-11-22T16:30:00Z", reason: Postgres upgrade }
defaults: { samples: 2, sampleSpacing: 0, confirmWindow: 0, retryDelay: 0, timeout: 2s }
`,
  );
  const lines: string[] = [];
  for (let t = Date.parse(NOW) - 3 * 60 * MIN; t < Date.parse(NOW); t += 5 * MIN) {
    const at = new Date(t).toISOString();
    const payDown = t >= Date.parse(NOW) - 65 * MIN;
    for (const id of ["web", "api", "db"]) lines.push(JSON.stringify({ t: at, id, s: "up", l: [20, 21], ok: 2, n: 2 }));
    lines.push(
      JSON.stringify(
        payDown
          ? { t: at, id: "pay", s: "down", l: [], ok: 0, n: 2, r: "unexpected status 503" }
          : { t: at, id: "pay", s: "up", l: [20, 22], ok: 2, n: 2 },
      ),
    );
  }
  await writeFile(join(dir, "reports", "history", "2026-11-22.jsonl"), lines.join("\n") + "\n");
  return dir;
}

async function copy(from: string, name: string): Promise<string> {
  const to = join(scratch, name);
  await cp(from, to, { recursive: true });
  return to;
}

async function runAction(
  action: string,
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
) {
  const [summary, output] = [join(scratch, `${action}.summary.md`), join(scratch, `${action}.output.txt`)];
  // The runner creates both files before a step starts.
  await Promise.all([writeFile(summary, ""), writeFile(output, "")]);
  const vars: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    ...env,
  };
  for (const [k, v] of Object.entries({ config: "ops.config.yml", data: ".", now: NOW, ...inputs }))
    vars[`INPUT_${k.toUpperCase()}`] = v;
  return new Promise<{ code: number; out: string }>((done) => {
    const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "actions", action, "index.ts")], {
      cwd: dir,
      env: vars,
    });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    child.on("close", (code) => done({ code: code ?? 1, out }));
  });
}

async function ops(dir: string, env: Record<string, string>, ...argv: string[]) {
  let out = "";
  const code = await main([...argv, "--now", NOW], {
    env,
    cwd: dir,
    io: { out: (t) => void (out += t), err: (t) => void (out += t) },
  });
  return { code, out };
}

/** Every file under reports/ and incidents/, by path. */
async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const top of ["reports", "incidents"]) {
    const entries = await readdir(join(dir, top), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries)
      if (e.isFile())
        out[relative(dir, join(e.parentPath, e.name))] = await readFile(join(e.parentPath, e.name), "utf8");
  }
  return out;
}

const latestOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, "reports", "latest.json"), "utf8")) as Latest;

/**
 * Probing measures real time: response times and the run's end differ between any two runs.
 * They are replaced by a mark; every decision (status, reason, counters, since, ratings) stays.
 */
function withoutTimings(text: string): string {
  return text
    .replace(/"(durationMs|p50|p95|p99|max)": ?[\d.]+/g, '"$1":0')
    .replace(/"finishedAt": ?"[^"]+"/g, '"finishedAt":"T"')
    .replace(/"l":\[[\d.,]*\]/g, '"l":[]');
}

const requestsOf = (gh: GitHubServer) => gh.requests.map((r) => ({ method: r.method, path: r.path, body: r.body }));

describe("each action and its CLI command write the same thing", () => {
  let probed = "";

  it("probe action = ops probe --write; a service in a maintenance window is recorded `maintenance`", async () => {
    const a = await fixture("probe-action");
    const b = await copy(a, "probe-cli");
    const action = await runAction("probe", a, {});
    expect(action.code, action.out).toBe(0);
    const cli = await ops(b, {}, "probe", "--write");
    expect(cli.code, cli.out).toBe(0);
    const [fa, fb] = [await files(a), await files(b)];
    expect(Object.keys(fa).sort()).toEqual(Object.keys(fb).sort());
    for (const f of Object.keys(fa)) expect(withoutTimings(fa[f]!), f).toBe(withoutTimings(fb[f]!));
    const latest = await latestOf(a);
    expect(Object.fromEntries(Object.values(latest.services).map((s) => [s.id, s.status]))).toEqual({
      web: "up",
      api: "down",
      db: "maintenance",
      pay: "up",
    });
    probed = a;
  });

  it("incident action = ops incidents: same records, state and GitHub requests; a second run changes nothing", async () => {
    expect(probed).not.toBe("");
    const c = await copy(probed, "incidents-action");
    const d = await copy(probed, "incidents-cli");
    const [ghC, ghD] = [
      await startGitHubServer({ owner: "hotdash", repo: "ops", token: TOKEN }),
      await startGitHubServer({ owner: "hotdash", repo: "ops", token: TOKEN }),
    ];
    try {
      const env = (gh: GitHubServer) => ({
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: "hotdash/ops",
        GITHUB_API_URL: gh.url,
      });
      const action = await runAction("incident", c, {}, env(ghC));
      expect(action.code, action.out).toBe(0);
      const cli = await ops(d, env(ghD), "incidents");
      expect(cli.code, cli.out).toBe(0);
      expect(await files(c)).toEqual(await files(d));
      expect(requestsOf(ghC)).toEqual(requestsOf(ghD));
      expect([...ghC.violations, ...ghD.violations]).toEqual([]);

      const latest = await latestOf(d);
      const open = Object.values(latest.incidents)
        .filter((i) => i.state === "open")
        .map((i) => i.key)
        .sort();
      expect(open).toEqual(["budget:pay", "service:api"]);
      // The same step on the same state again: no write to GitHub, the same bytes, still open.
      const before = await files(d);
      const writes = () => ghD.requests.filter((r) => r.method !== "GET").length;
      const writesBefore = writes();
      expect((await ops(d, env(ghD), "incidents")).code).toBe(0);
      expect(writes()).toBe(writesBefore);
      expect(await files(d)).toEqual(before);
      expect((await latestOf(d)).incidents["budget:pay"]?.state).toBe("open");
    } finally {
      await Promise.all([ghC.close(), ghD.close()]);
    }
  });

  it("report action = ops report: the same reports, byte for byte", async () => {
    expect(probed).not.toBe("");
    const e = await copy(probed, "report-action");
    const f = await copy(probed, "report-cli");
    const action = await runAction("report", e, {});
    expect(action.code, action.out).toBe(0);
    const cli = await ops(f, {}, "report");
    expect(cli.code, cli.out).toBe(0);
    const [fe, ff] = [await files(e), await files(f)];
    expect(Object.keys(fe)).toContain("reports/STATUS.md");
    expect(fe).toEqual(ff);
  });
});

describe("ops report --now T gives what the run at T wrote", () => {
  it("renders at the run's time, not the process clock: the same bytes as ops run's own reports", async () => {
    const dir = await fixture("report-replay");
    expect((await ops(dir, {}, "run")).code).toBe(0);
    const byRun = await files(dir);
    expect((await ops(dir, {}, "report", "--force")).code).toBe(0);
    const byReport = await files(dir);
    expect(byReport["reports/STATUS.md"]).toContain("2026-11-22");
    for (const f of Object.keys(byRun).filter((f) => f.endsWith(".md") || f.includes("badges/")))
      expect(byReport[f], f).toBe(byRun[f]);
  });
});
