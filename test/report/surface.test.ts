import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { badgesFor } from "../../actions/report/badges.ts";
import { parseIncidentRecord } from "../../actions/incident/records-read.ts";
import { updateReadmeSection } from "../../actions/report/readme-section.ts";
import { runReports } from "../../actions/report/step.ts";
import { boundMarkdown, buildSummary } from "../../actions/report/summary.ts";
import { reportCommand } from "../../scripts/commands/report.ts";
import { syntheticConfig, syntheticLatest, syntheticRuns, writeHistory } from "../../scripts/bench/synthetic.ts";

const quiet = { info: () => {}, warn: () => {} };

describe("README section", () => {
  it("replaces only what lies between the markers", () => {
    const text = "# T\n\n<!-- status:start -->\nold\nlines\n<!-- status:end -->\n\nTail <!-- status:end -->\n";
    expect(updateReadmeSection(text, "| new |\n")).toBe(
      "# T\n\n<!-- status:start -->\n| new |\n<!-- status:end -->\n\nTail <!-- status:end -->\n",
    );
    const once = updateReadmeSection(text, "x");
    expect(updateReadmeSection(once, "x")).toBe(once);
  });

  it("leaves text without both markers unchanged", () => {
    expect(updateReadmeSection("no markers", "x")).toBe("no markers");
    expect(updateReadmeSection("<!-- status:end --> then <!-- status:start -->", "x")).toBe(
      "<!-- status:end --> then <!-- status:start -->",
    );
  });
});

describe("job summary", () => {
  it("stays under 1 MiB, cut at a line, with an open code fence closed", () => {
    const huge = "```mermaid\n" + "é line of text\n".repeat(200_000);
    const out = boundMarkdown(huge);
    expect(Buffer.byteLength(out)).toBeLessThan(1_048_576);
    expect(out).toMatch(/```\n\n_…cut here to stay within GitHub's 1 MiB job-summary limit/);
    expect(buildSummary([{ title: "a", markdown: "short" }], ["reports/STATUS.md"])).toContain("`reports/STATUS.md`");
  });
});

describe("badges", () => {
  it("follow the shields.io endpoint schema", () => {
    const config = syntheticConfig(2);
    const model = {
      title: "t",
      now: 0,
      groups: [],
      openIncidents: [],
      recentIncidents: [],
      notes: [],
      overall: "degraded" as const,
      services: config.services.map((s, i) => ({
        id: s.id,
        name: s.name,
        environment: s.environment,
        criticality: s.criticality,
        status: "up" as const,
        reason: "",
        uptime: { h24: i ? 98.5 : undefined, d7: 99.95, d30: 100 },
        coverage30: 1,
        p95h24: i ? 2500 : undefined,
        objective: { availability: 99.9 },
        budget: { objective: 99.9, allowedMs: 1, usedMs: 0, observedMs: 0 },
      })),
    };
    const badges = badgesFor(config, model);
    expect(badges.get("status.json")).toEqual({
      schemaVersion: 1,
      label: "status",
      message: "degraded",
      color: "yellow",
    });
    expect(badges.get("svc-00-uptime-24h.json")).toEqual({
      schemaVersion: 1,
      label: "Service 00 uptime 24h",
      message: "—",
      color: "lightgrey",
    });
    expect(badges.get("svc-01-uptime-24h.json")).toMatchObject({ message: "98.50%", color: "yellow" });
    expect(badges.get("svc-01-uptime-7d.json")).toMatchObject({ message: "99.95%", color: "brightgreen" });
    expect(badges.get("svc-01-response-time.json")).toMatchObject({ message: "2500 ms", color: "red" });
  });
});

describe("incident records", () => {
  it("reads severity, start, end and issue from a record humans may have edited", () => {
    const text = [
      "# Incident Report: x",
      "**Severity**: P1 (was P2)",
      "**Duration**: 2026-11-18 14:10 UTC to 2026-11-18T14:57:00Z",
      "- **Issue**: [#31](https://github.com/o/r/issues/31)",
    ].join("\n");
    expect(parseIncidentRecord("2026-11-18-chatwoot-slow.md", text)).toEqual({
      id: "2026-11-18-chatwoot-slow.md",
      subject: "chatwoot-slow",
      severity: "P1",
      openedAt: Date.parse("2026-11-18T14:10:00Z"),
      closedAt: Date.parse("2026-11-18T14:57:00Z"),
      number: 31,
      url: "https://github.com/o/r/issues/31",
    });
  });
});

describe("secrets never reach a report", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "report-secret-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("scrubs a secret echoed in a reason from STATUS.md, the update and the summary", async () => {
    const secret = "shpat_0123456789abcdef";
    const config = syntheticConfig(3);
    const latest = syntheticLatest(config, "2026-11-22T16:20:00Z", {
      "svc-01": { status: "down", reason: `401 for token ${secret}` },
    });
    const redactor = createRedactor();
    redactor.add(secret);
    const out = await runReports({
      config,
      latest,
      dataDir: dir,
      clock: manualClock("2026-11-22T16:21:00Z"),
      log: quiet,
      redactor,
    });
    expect(out.summary).toContain("401 for token ***");
    for (const file of out.written) expect(await readFile(join(dir, file), "utf8"), file).not.toContain(secret);
    expect(out.summary).not.toContain(secret);
  });

  it("says the runner was offline rather than calling every service unknown", async () => {
    const config = syntheticConfig(3);
    const latest = syntheticLatest(config, "2026-11-22T16:20:00Z", {
      "svc-00": { status: "unknown", reason: "runner offline" },
    });
    latest.run.offline = true;
    const out = await runReports({
      config,
      latest,
      dataDir: dir,
      clock: manualClock("2026-11-22T16:21:00Z"),
      log: quiet,
      write: false,
    });
    expect(out.summary).toContain("Last run could not check (the runner was offline)");
    expect(await readFile(join(dir, "reports", "STATUS.md"), "utf8").catch((e: NodeJS.ErrnoException) => e.code)).toBe(
      "ENOENT",
    );
  });
});

describe("ops report", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "report-cli-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("regenerates the same reports for the same data and --now, and reports bad flags with exit code 2", async () => {
    const config = syntheticConfig(3);
    await writeFile(
      join(dir, "ops.config.yml"),
      JSON.stringify({
        services: config.services.map((s) => ({
          id: s.id,
          name: s.name,
          probe: { type: "http", url: "http://127.0.0.1:9/" },
        })),
      }),
    );
    await writeHistory(
      dir,
      syntheticRuns(config, {
        from: Date.parse("2026-11-20T00:00:00Z"),
        to: Date.parse("2026-11-22T16:00:00Z"),
        cadenceMs: 300_000,
        jitterMs: 60_000,
        seed: 5,
      }),
    );
    await writeFile(join(dir, "reports", "latest.json"), "{ torn");
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await reportCommand(argv, {
        env: {},
        cwd: dir,
        io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      });
      return { code, out: out.join(""), err: err.join("") };
    };
    const first = await run("--now", "2026-11-22T16:05:00Z", "--json");
    expect(first.code).toBe(0);
    expect(first.err).toContain("latest.json is not JSON");
    const written = JSON.parse(first.out).written as string[];
    expect(written).toContain("reports/STATUS.md");
    const status = await readFile(join(dir, "reports", "STATUS.md"), "utf8");
    expect(status).toContain("No checks recorded yet");
    expect(status).toContain("History starts on 2026-11-20: the 30-day figures cover the days since.");
    expect(status).not.toContain("No history at all");
    const again = await run("--now", "2026-11-22T16:05:00Z", "--force");
    expect(again.out).toContain("wrote reports/STATUS.md");
    expect(await readFile(join(dir, "reports", "STATUS.md"), "utf8")).toBe(status);
    await expect(run("--now", "yesterday")).rejects.toMatchObject({ code: 2 });
  });
});

describe("records written by the incident step", () => {
  it("are read back with severity, start, end and issue (contract with actions/incident/records.ts)", async () => {
    const { loadTemplate } = await import("../../actions/incident/template.ts");
    const { renderRecord, recordPath } = await import("../../actions/incident/records.ts");
    const state = {
      key: "service:chatwoot",
      kind: "service" as const,
      subject: "chatwoot",
      number: 41,
      url: "https://github.com/o/r/issues/41",
      state: "closed" as const,
      severity: "P1" as const,
      status: "down" as const,
      openedAt: "2026-11-18T14:12:00.000Z",
      startedAt: "2026-11-18T14:10:00.000Z",
      recoveredAt: "2026-11-18T14:57:00.000Z",
      closedAt: "2026-11-18T15:07:00.000Z",
      closedBy: "automation" as const,
      escalationLevel: 1,
      goodRuns: 2,
      notified: [],
      timeline: [{ at: "2026-11-18T14:12:00.000Z", text: "opened" }],
      evidence: {},
    };
    const subject = {
      key: "service:chatwoot",
      kind: "service" as const,
      id: "chatwoot",
      name: "Chatwoot",
      environment: "production",
      criticality: "critical",
      status: "down" as const,
      reason: "connection refused",
      since: state.startedAt,
      evidence: "503",
    };
    const text = renderRecord(await loadTemplate(), state, subject, undefined);
    const name = recordPath(state, subject).split("/").pop()!;
    expect(parseIncidentRecord(name, text)).toMatchObject({
      severity: "P1",
      openedAt: Date.parse("2026-11-18T14:10:00Z"),
      closedAt: Date.parse("2026-11-18T14:57:00Z"),
      number: 41,
      url: "https://github.com/o/r/issues/41",
    });
  });
});
