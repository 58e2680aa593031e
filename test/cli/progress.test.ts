import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { cliProgress } from "../../scripts/cli/progress.ts";
import { main } from "../../scripts/cli/main.ts";

function capture() {
  let err = "";
  return { io: { out: () => {}, err: (t: string) => void (err += t) }, text: () => err };
}

describe("progress while probing", () => {
  it("in Actions: a group with timestamped lines, and who is confirmed until when", () => {
    const c = capture();
    const clock = manualClock("2026-11-22T16:00:00Z");
    const p = cliProgress(c.io, { GITHUB_ACTIONS: "true" }, false, () => clock.now());
    p.start(3);
    p.done("web");
    p.confirming("api", new Date("2026-11-22T16:02:00Z"));
    clock.advance(120_000);
    p.done("api");
    p.done("db");
    p.end();
    expect(c.text().split("\n")).toEqual([
      "::group::Probing 3 service(s)",
      "[16:00:00] probing 3 service(s)",
      "[16:00:00] api looks down: re-probing until 16:02:00 UTC to confirm (1/3 done)",
      "[16:02:00] api: confirmation over (2/3 done)",
      "[16:02:00] probed 3 service(s) in 120.0 s",
      "::endgroup::",
      "",
    ]);
  });

  it("in a terminal: one live line, cleared at the end", () => {
    const c = capture();
    const p = cliProgress(c.io, {}, true, () => new Date("2026-11-22T16:00:00Z"));
    p.start(2);
    p.confirming("api", new Date("2026-11-22T16:02:00Z"));
    p.done("web");
    p.end();
    expect(c.text()).toContain("\r\u001b[2Kprobing: 0/2 done · confirming api until 16:02:00");
    expect(c.text()).toContain("\r\u001b[2Kprobing: 1/2 done · confirming api until 16:02:00");
    expect(c.text().endsWith("\r\u001b[2K")).toBe(true);
    expect(c.text()).not.toContain("\n");
  });

  describe("through ops run", () => {
    let server: Server;
    let dir = "";
    beforeAll(async () => {
      server = createServer(
        (req, res) => void (req.resume(), res.writeHead(req.url === "/fail" ? 503 : 200).end("ok")),
      );
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      dir = await mkdtemp(join(tmpdir(), "ops-progress-"));
      await writeFile(
        join(dir, "ops.config.yml"),
        `services:
  - { id: web, name: Web, probe: { type: http, url: "${base}/ok" } }
  - { id: api, name: API, probe: { type: http, url: "${base}/fail" } }
defaults: { samples: 1, sampleSpacing: 0, confirmWindow: 600ms, retryDelay: 200ms, timeout: 2s }
`,
      );
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    });

    it("says on stderr that a failing service is being confirmed, while stdout keeps the table", async () => {
      let out = "";
      let err = "";
      const code = await main(["run"], {
        env: { GITHUB_ACTIONS: "true" },
        cwd: dir,
        io: { out: (t) => void (out += t), err: (t) => void (err += t) },
      });
      expect(code).toBe(0);
      expect(err).toMatch(/^::group::Probing 2 service\(s\)$/m);
      expect(err).toMatch(/^\[\d\d:\d\d:\d\d\] api looks down: re-probing until \d\d:\d\d:\d\d UTC to confirm/m);
      expect(err).toMatch(/^::endgroup::$/m);
      expect(out).toContain("| API ");
      expect(out).not.toContain("::group::");
    });
  });
});
