/**
 * A GitHub that does not answer never stalls monitoring: with GitHub refusing connections or
 * accepting them and never answering, `ops run` still probes, stores its results and reports,
 * says once what happened, and ends with the documented code (1: a later step failed after
 * everything was stored) within its normal time plus one bounded GitHub attempt.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Latest } from "../../actions/shared/store/latest-schema.ts";
import { main } from "../../scripts/cli/main.ts";

let server: Server;
let base = "";
const closers: Array<() => Promise<void>> = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === "/fail" ? 503 : 200).end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  for (const close of closers) await close();
  await new Promise((r) => server.close(r));
});

async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ops-gh-down-"));
  closers.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    join(dir, "ops.config.yml"),
    `services:
  - { id: web, name: Web, probe: { type: http, url: "${base}/ok" } }
  - { id: api, name: API, criticality: critical, probe: { type: http, url: "${base}/fail" } }
defaults: { samples: 2, sampleSpacing: 0, confirmWindow: 0, retryDelay: 0, timeout: 2s }
`,
  );
  return dir;
}

/** A GitHub that accepts connections and never answers. */
async function hangingGitHub(): Promise<string> {
  const sockets: net.Socket[] = [];
  const hang = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), hang.close(() => r()))));
  return `http://127.0.0.1:${(hang.address() as net.AddressInfo).port}`;
}

async function refusingGitHub(): Promise<string> {
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
  await new Promise((r) => closed.close(r));
  return url;
}

async function run(dir: string, apiUrl: string) {
  let out = "";
  const began = performance.now();
  const code = await main(["run", "--now", "2026-11-22T16:00:00Z"], {
    env: { GITHUB_TOKEN: "ghs_down_token_123456", GITHUB_REPOSITORY: "hotdash/ops", GITHUB_API_URL: apiUrl },
    cwd: dir,
    io: { out: (t) => void (out += t), err: (t) => void (out += t) },
  });
  const latest = JSON.parse(await readFile(join(dir, "reports", "latest.json"), "utf8")) as Latest;
  return { code, out, seconds: (performance.now() - began) / 1000, latest };
}

describe("ops run with GitHub gone", () => {
  it("refused: stores, reports, exits 1 at once, and says so", async () => {
    const dir = await workspace();
    const r = await run(dir, await refusingGitHub());
    expect(r.code, r.out).toBe(1);
    expect(r.latest.services.api?.status).toBe("down");
    expect(await readFile(join(dir, "reports", "STATUS.md"), "utf8")).toContain("API");
    expect(r.out).toMatch(/maintenance issues not read/);
    expect(r.out).toMatch(/incidents: skipped, GitHub did not answer this run/);
    // No retry storm: well under one client timeout (15 s).
    expect(r.seconds).toBeLessThan(10);
  });

  it("accept-and-hang: stores and reports; bounded by one GitHub timeout, not minutes", async () => {
    const dir = await workspace();
    const r = await run(dir, await hangingGitHub());
    expect(r.code, r.out).toBe(1);
    expect(r.latest.services.web?.status).toBe("up");
    expect(await readFile(join(dir, "reports", "STATUS.md"), "utf8")).toContain("Web");
    expect(r.out).toMatch(/GitHub did not answer within/);
    // The maintenance read waits at most 10 s while the fleet is probed; nothing waits again.
    expect(r.seconds).toBeLessThan(20);
  }, 60_000);
});
