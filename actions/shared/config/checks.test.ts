import { describe, expect, it } from "vitest";
import { cronProblem, isTimeZone } from "./checks-time.ts";
import { loadConfig } from "./load.ts";

describe("cronProblem", () => {
  it("accepts GitHub-style 5-field crons", () => {
    for (const c of ["*/5 * * * *", "0 23 * * *", "0 10 * * 1", "0,30 8-20 * * mon-fri", "15 */6 1 jan *"])
      expect(cronProblem(c)).toBeUndefined();
  });
  it("names the field that is wrong", () => {
    expect(cronProblem("*/5 * * *")).toBe("5 fields (minute hour day month weekday), found 4");
    expect(cronProblem("61 * * * *")).toBe('minute values from 0 to 59, found "61"');
    expect(cronProblem("0 24 * * *")).toBe('hour values from 0 to 23, found "24"');
    expect(cronProblem("0 0 * * funday")).toBe('day of week values from 0 to 6, found "funday"');
    expect(cronProblem("*/0 * * * *")).toBe('minute values from 0 to 59, found "*/0"');
  });
});

describe("isTimeZone", () => {
  it("knows IANA zones and rejects others", () => {
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("America/Chicago")).toBe(true);
    expect(isTimeZone("America/Chicgo")).toBe(false);
    expect(isTimeZone("CST6CDT-ish")).toBe(false);
  });
});

describe("warnings (the config stays valid)", () => {
  const svc = (probe: string, extra = "") => `services:\n  - id: web\n    name: Web\n    probe: ${probe}\n${extra}`;
  const warnings = (text: string) => {
    const r = loadConfig("ops.config.yml", text);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
    return r.warnings;
  };

  it("a reference where nothing resolves it, and $NAME without braces", () => {
    const w = warnings(`${svc("{ type: http, url: https://x.dev/?k=$API_KEY }")}    description: uses \${API_KEY}\n`);
    expect(w.map((x) => x.path)).toEqual(["services[0].probe.url", "services[0].description"]);
    expect(w[0]!.expected).toBe("${API_KEY} (with braces) to read the environment");
  });

  it("a placeholder login, once per value with the other places listed", () => {
    const w = warnings(
      `${svc("{ type: http, url: https://x.dev }")}    owners: [REPLACE_ME]\nenvironments:\n  production: { reviewers: [REPLACE_ME, octocat] }\n`,
    );
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ path: "services[0].owners[0]", found: '"REPLACE_ME"', line: 5 });
    expect(w[0]!.message).toContain("also at environments.production.reviewers[0]");
  });

  it("a Fly rollback of another app than the one probed", () => {
    const w = warnings(
      `${svc("{ type: http, url: https://hotdash-chatwoot.fly.dev/api }")}    rollback: { provider: fly, app: hotdash-staging }\n`,
    );
    expect(w[0]).toMatchObject({
      path: "services[0].rollback.app",
      expected: 'the app the probe checks ("hotdash-chatwoot")',
      found: '"hotdash-staging"',
    });
  });
});
