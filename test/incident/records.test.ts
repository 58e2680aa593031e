import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWorld, MIN, type World, worldPerTest } from "./harness.ts";

/**
 * Incident records keep every word (issue 11). People write into the issue on GitHub (the
 * emulator) between runs and at each lifecycle step; every rewrite of the issue body and of
 * incidents/…md keeps it, and a human close finalises the record as a bot close does.
 */
let w: World;
const { tick } = worldPerTest(() => w, { expectNoErrors: false });
const issue = (n = 1) => w.gh.state.issues.get(n)!;
/** A person edits the issue body on GitHub. */
const write = (edit: (body: string) => string, n = 1) => {
  issue(n).body = edit(issue(n).body!);
};
const record = async () => {
  const files = await readdir(join(w.dataDir, "incidents"));
  expect(files).toHaveLength(1);
  return { name: files[0]!, text: await readFile(join(w.dataDir, "incidents", files[0]!), "utf8") };
};

describe("incident records", () => {
  it("keep what people write in the issue at every step: open, escalation, relapse, recovery, close", async () => {
    w = await createWorld({}, { start: "2026-11-22T15:55:00Z" });
    w.set("chatwoot", "down", "unexpected status 503 (expected 200)");
    const opened = await tick(); // 16:00
    expect(opened.errors).toEqual([]);
    // Written in the run that opens the incident, named from the opening reason.
    expect((await record()).name).toBe("2026-11-22-chatwoot-down-unexpected-status-503.md");

    write(
      (b) =>
        b.replace("[Detailed explanation]", "Chatwoot's Postgres ran out of connections.").trimEnd() +
        "\n\n## Customer Communication\nStatus page updated at 16:07.\n",
    );
    for (let i = 0; i < 5; i++) await tick(); // 16:05 … 16:25: nothing changes

    const escalated = await tick(); // 16:30: Level 2
    expect(escalated.operations.map((o) => o.op)).toEqual(["comment", "update", "record"]);
    // The body's Timeline has the escalation at the time it happened …
    expect(issue().body).toMatch(/- 2026-11-22 16:30 UTC: Escalated to Level 2 \(Engineering Lead\)/);
    // … and what the person wrote, in the body and in the record.
    for (const text of [issue().body!, (await record()).text]) {
      expect(text).toContain("## Root Cause\nChatwoot's Postgres ran out of connections.");
      expect(text).toContain("## Customer Communication\nStatus page updated at 16:07.");
      expect(text).toMatch(/Escalated to Level 2/);
    }

    write((b) =>
      b
        .replace("[What we learned]", "Alert on connection-pool saturation.")
        .replace("- [ ] [Preventive measure]", "- [ ] Add pgbouncer"),
    );
    w.set("chatwoot", "up");
    await tick(); // 16:35: first good run
    w.set("chatwoot", "down", "unexpected status 502 (expected 200)");
    await tick(); // 16:40: failing again before it closed
    write((b) =>
      b.replace(
        "## Customer Communication\nStatus page updated at 16:07.",
        "## Customer Communication\nStatus page updated at 16:07 and 16:41.",
      ),
    );
    w.set("chatwoot", "up");
    await tick(); // 16:45
    const closed = await tick(); // 16:50: closed
    expect(closed.operations.map((o) => o.op)).toContain("close");
    const final = await record();
    expect(final.name).toBe("2026-11-22-chatwoot-down-unexpected-status-503.md");
    for (const text of [issue().body!, final.text]) {
      expect(text).toContain("Chatwoot's Postgres ran out of connections.");
      expect(text).toContain("## Lessons Learned\nAlert on connection-pool saturation.");
      expect(text).toContain("- [ ] Add pgbouncer");
      expect(text).toContain("Status page updated at 16:07 and 16:41.");
      expect(text).not.toContain("[Detailed explanation]");
      // Down 16:00–16:35 and 16:40–16:45: 40 min in 2 episodes over 45 min.
      expect(text).toContain(
        "**Duration**: 2026-11-22 16:00 UTC to 2026-11-22 16:45 UTC (down 40 min in 2 episodes over 45 min)",
      );
    }
    expect(w.commentsOf(1).at(-1)).toMatch(
      /^✅ Resolved: down 40 min in 2 episodes over 45 min; 2 consecutive good runs/,
    );
  });

  it("a create that failed: the run that creates the issue writes the record, named from the opening, never '-up'", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "connection refused by 10.0.0.7:443");
    w.gh.faults.error({ match: "issues/create" });
    const failed = await tick(); // 16:05
    expect(failed.errors.join("\n")).toMatch(/create issue/);
    await expect(readdir(join(w.dataDir, "incidents"))).rejects.toThrow();

    w.set("chatwoot", "up");
    const created = await tick(); // 16:10: recovered; the issue is created now, with the record
    expect(created.errors).toEqual([]);
    expect(created.operations.map((o) => o.op)).toEqual(["create", "record"]);
    expect((await record()).name).toBe("2026-11-22-chatwoot-down-connection-refused-by.md");
    await tick(); // 16:15: closed
    expect(issue().state).toBe("closed");
    const final = await record();
    expect(final.name).toBe("2026-11-22-chatwoot-down-connection-refused-by.md");
    expect(final.text).toMatch(/Resolved after 5 min/);
  });

  it("a human closing the issue finalises the record from the issue: duration, their resolution and sections", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick(); // 16:05
    w.clock.advance(3 * MIN);
    write((b) =>
      b
        .replace("[Detailed explanation]", "Bad deploy v42.")
        .replace(/## Resolution\n[\s\S]*?\n\n## /, "## Resolution\nRolled back to v41 by hand.\n\n## "),
    );
    Object.assign(issue(), { state: "closed", stateReason: "completed", closedAt: w.clock.now().toISOString() }); // 16:08
    const next = await tick(2); // 16:10, the monitoring still sees it failing
    expect(next.operations.map((o) => o.op)).toEqual(["record"]);
    const { text } = await record();
    expect(text).toContain("## Root Cause\nBad deploy v42.");
    expect(text).toContain("## Resolution\nRolled back to v41 by hand.");
    expect(text).toContain("**Duration**: 2026-11-22 16:05 UTC to 2026-11-22 16:08 UTC (3 min)");
    expect(issue().state).toBe("closed");
    // Finalised once: later runs leave it alone.
    expect((await tick()).operations).toEqual([]);
  });

  it("a human close without a resolution of their own says so in the record", async () => {
    w = await createWorld();
    w.set("chatwoot", "down", "refused");
    await tick();
    Object.assign(issue(), { state: "closed", stateReason: "completed", closedAt: w.clock.now().toISOString() });
    await tick();
    expect((await record()).text).toMatch(
      /## Resolution\n_\(filled in by the monitoring[^\n]*\nClosed by hand at 2026-11-22 16:05 UTC, while the monitoring still saw it failing\./,
    );
  });
});
