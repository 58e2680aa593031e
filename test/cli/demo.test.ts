import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../scripts/cli/main.ts";

describe("npm start (ops demo)", () => {
  it("runs the full cycle on the simulated fleet: statuses, an incident opened and resolved on the loopback GitHub, reports", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ops-demo-"));
    let out = "";
    const code = await main(["demo", "--data", dir, "--now", "2026-11-22T18:00:00Z"], {
      env: {},
      cwd: dir,
      io: { out: (t) => void (out += t), err: () => {} },
    });
    expect(code).toBe(0);
    // The fleet's scripted states.
    expect(out).toMatch(/\| Chatwoot\s+\| ⚠️ degraded/);
    expect(out).toMatch(/\| MCP context7\s+\| ❌ down/);
    expect(out).toMatch(/\| MCP servers \(group\)\s+\| ✅ up\s+\| 6\/7 operational/);
    expect(out).toMatch(/hotdash-staging up → down/);
    // Staging fails at run 2 (17:40) and recovers at run 5 (17:55): closed after two good runs.
    expect(out).toMatch(/GitHub: create issue #\d+ \(service:hotdash-staging\)/);
    // Its resolve shares run 6 with Supabase's: one message on the route, one request per key.
    expect(out).toContain(
      "[dry-run] notify slack-emergency: one message for 2 events: resolve P0 service:supabase, resolve P0 service:hotdash-staging",
    );
    expect(out).toContain(
      "[dry-run] notify pagerduty: 2 requests, one per dedup key: resolve service:supabase, resolve service:hotdash-staging",
    );
    expect(out).toMatch(/#\d+ \[closed\] Incident: HotDash staging \(staging\) down/);
    expect(out).toMatch(/#\d+ \[open\] Incident: Chatwoot \(shared\) degraded .*severity:P1/);
    const latest = JSON.parse(await readFile(join(dir, "reports/latest.json"), "utf8"));
    expect(latest.updatedAt).toBe("2026-11-22T18:00:00.000Z");
    expect(latest.incidents["service:hotdash-staging"]).toMatchObject({ state: "closed", closedBy: "automation" });
    expect(await readFile(join(dir, "reports/STATUS.md"), "utf8")).toMatch(/MCP servers:\*\* 6\/7 operational/);
    expect((await readdir(join(dir, "incidents"))).some((f) => f.startsWith("2026-11-22-hotdash-staging-down"))).toBe(
      true,
    );
    // The status site is built into <data>/site.
    expect(out).toContain(`The status site: ${join(dir, "site")}/index.html`);
    const home = await readFile(join(dir, "site/index.html"), "utf8");
    expect(home).toMatch(/<div class="banner o-partial" role="status">Partial outage/);
    expect(home).toContain("MCP servers</strong>: 6/7 operational");
    // The demo's tokens are handed to the probes, never written.
    const history = await readFile(join(dir, "reports/history/2026-11-22.jsonl"), "utf8");
    expect(history + JSON.stringify(latest)).not.toMatch(/shpat_demo|ya29\.demo|demo-mcp-token|demo-fly-token/);
  }, 60_000);
});
