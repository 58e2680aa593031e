import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../scripts/cli/main.ts";
import { startGitHubServer } from "../../emulators/github/server.ts";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";

/** One loopback service whose answer the test switches between healthy and failing. */
let server: Server;
let healthy = true;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: healthy ? "ok" : "error" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

async function workspace(configText?: string) {
  const dir = await mkdtemp(join(tmpdir(), "ops-cli-"));
  const text =
    configText ??
    `services:
  - id: api
    name: API
    criticality: critical
    probe: { type: http, url: "${base}/health", expect: { json: [{ path: status, equals: ok }] } }
  - id: shop
    name: Shop
    probe: { type: http, url: "${base}/shop", headers: { X-Token: "\${SHOP_TOKEN}" } }
defaults: { samples: 2, sampleSpacing: 0, confirmWindow: 0, retryDelay: 0, timeout: 2s }
`;
  await writeFile(join(dir, "ops.config.yml"), text);
  return dir;
}

async function ops(dir: string, ...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, {
    env: { SHOP_TOKEN: "s3cret-token-value" },
    cwd: dir,
    io: { out: (t) => void (out += t), err: (t) => void (err += t) },
  });
  return { code, out, err };
}

const readLatest = async (dir: string) =>
  JSON.parse(await readFile(join(dir, "reports/latest.json"), "utf8")) as Latest;

describe("ops run, replayed with --now", () => {
  it("counts consecutive failures and successes across runs and carries `since` by timestamps", async () => {
    const dir = await workspace();
    healthy = true;
    expect((await ops(dir, "run", "--now", "2026-11-22T10:00:00Z")).code).toBe(0);
    healthy = false;
    const down = await ops(dir, "run", "--now", "2026-11-22T10:05:00Z");
    expect(down.code).toBe(0); // a down service is data, not a failed run
    expect(down.out).toMatch(/service api: up → down/);
    await ops(dir, "run", "--now", "2026-11-22T10:12:00Z");
    let latest = await readLatest(dir);
    expect(latest.services.api).toMatchObject({
      status: "down",
      since: expect.stringMatching(/^2026-11-22T10:05:00/),
      consecutiveFailures: 2,
    });
    expect(latest.services.api!.reason).toMatch(/unexpected status 503/);

    healthy = true;
    await ops(dir, "run", "--now", "2026-11-22T10:17:00Z");
    latest = await readLatest(dir);
    expect(latest.services.api).toMatchObject({ status: "up", consecutiveFailures: 0, consecutiveSuccesses: 1 });

    const history = await readFile(join(dir, "reports/history/2026-11-22.jsonl"), "utf8");
    const lines = history
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.id === "api").map((l) => l.s)).toEqual(["up", "down", "down", "up"]);
    // The secret's value never reaches a file.
    expect(history + JSON.stringify(latest)).not.toContain("s3cret-token-value");
  });

  it("replays identically: the same runs at the same --now write the same latest.json", async () => {
    healthy = true;
    const a = await workspace();
    const b = await workspace();
    for (const dir of [a, b]) {
      await ops(dir, "run", "--now", "2026-11-22T11:00:00Z");
      await ops(dir, "run", "--now", "2026-11-22T11:05:00Z");
    }
    const strip = (l: Latest) => ({
      ...l,
      run: null,
      services: Object.fromEntries(
        Object.entries(l.services).map(([k, s]) => [
          k,
          { ...s, metrics: { ...s.metrics, p50: 0, p95: 0, p99: 0, max: 0 } },
        ]),
      ),
    });
    expect(strip(await readLatest(a))).toEqual(strip(await readLatest(b)));
  });

  it("a missing secret makes only that service unknown", async () => {
    const dir = await workspace();
    let out = "";
    const code = await main(["run", "--json"], {
      env: {},
      cwd: dir,
      io: { out: (t) => void (out += t), err: () => {} },
    });
    expect(code).toBe(0);
    const { latest } = JSON.parse(out) as { latest: Latest };
    expect(latest.services.shop).toMatchObject({ status: "unknown", reason: "missing secret SHOP_TOKEN" });
    expect(latest.services.api!.status).toBe("up");
  });
});

describe("ops run when a later step fails", () => {
  it("stores the results, writes the job summary, and exits 1 naming the failure", async () => {
    const dir = await workspace();
    const summary = join(dir, "step-summary.md");
    let out = "";
    let err = "";
    healthy = true;
    // A GitHub that rejects the token (401 is not retried): the incident step cannot do its work.
    const gh = await startGitHubServer({ token: "the-right-token" });
    const code = await main(["run", "--now", "2026-11-22T13:00:00Z"], {
      env: {
        SHOP_TOKEN: "s3cret-token-value",
        GITHUB_TOKEN: "ghs_test_token_value",
        GITHUB_REPOSITORY: "hotdash/ops",
        GITHUB_API_URL: gh.url,
        GITHUB_STEP_SUMMARY: summary,
      },
      cwd: dir,
      io: { out: (t) => void (out += t), err: (t) => void (err += t) },
    }).finally(() => gh.close());
    expect(code).toBe(1);
    expect(err).toMatch(/error: .*(maintenance|incident)/i);
    expect((await readLatest(dir)).services.api!.status).toBe("up");
    const text = await readFile(summary, "utf8");
    expect(text).toMatch(/### Fleet at 2026-11-22T13:00:00.000Z/);
    expect(text).toMatch(/\*\*Errors\*\*/);
    expect(text + out + err).not.toContain("s3cret-token-value");
    expect(text + out + err).not.toContain("ghs_test_token_value");
  });
});

describe("ops run on an offline runner", () => {
  it("records unknown for the services it was asked about, blames nobody, and says why once", async () => {
    const dir = await workspace();
    const text = await readFile(join(dir, "ops.config.yml"), "utf8");
    // Port 1 on loopback refuses: the runner "cannot reach the internet".
    await writeFile(
      join(dir, "ops.config.yml"),
      `${text}connectivity: { urls: ["http://127.0.0.1:1/"], timeout: 1s }\n`,
    );
    healthy = false;
    const r = await ops(dir, "run", "--only", "api", "--now", "2026-11-22T12:00:00Z");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/runner offline: none of 1 connectivity URL/);
    const latest = await readLatest(dir);
    expect(latest.run.offline).toBe(true);
    expect(Object.keys(latest.services)).toEqual(["api"]);
    expect(latest.services.api).toMatchObject({ status: "unknown" });
    healthy = true;
  });
});

describe("ops exit codes and side effects", () => {
  it("probe prints and writes nothing", async () => {
    const dir = await workspace();
    const r = await ops(dir, "probe");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| API\s+\|/);
    expect(await readdir(dir)).toEqual(["ops.config.yml"]);
  });

  it("invalid config is exit 2 with the path, and usage errors are exit 2", async () => {
    const dir = await workspace("services:\n  - id: api\n    name: API\n    probe: { type: htp, url: x }\n");
    const bad = await ops(dir, "validate");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/services\[0\]\.probe/);
    expect((await ops(dir, "run", "--bogus")).code).toBe(2);
    expect((await ops(dir, "frobnicate")).code).toBe(2);
    expect((await ops(await workspace(), "run", "--now", "yesterday")).err).toMatch(/--now: expected an ISO date/);
    expect((await ops(await workspace(), "run", "--only", "nope")).code).toBe(2);
  });

  it("the real process exits 2 on invalid config (the entry binds exit codes)", async () => {
    const dir = await workspace("services: 3\n");
    const run = promisify(execFile);
    const err = await run(process.execPath, [
      "--import",
      "tsx",
      "scripts/ops.ts",
      "validate",
      "--config",
      join(dir, "ops.config.yml"),
    ]).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/services/);
  });
});
