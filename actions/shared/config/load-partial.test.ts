import { describe, expect, it } from "vitest";
import { formatConfigErrors } from "./load.ts";
import { errorsOf, pos } from "./test-yaml.ts";

/**
 * A schema error in one part of the file must not hide the semantic errors of the parts that are
 * valid (quorums, threshold order, maintenance, escalation, schedule), and must not report a part
 * twice.
 */

const REVIEWER_CASE = `services:
  - id: web
    name: Web
    probe:
      type: htp
      url: https://example.com/health
  - id: api
    name: API
    probe: { type: http, url: https://example.com/api }
    thresholds:
      successRate: { yellow: 80, red: 90 }
groups:
  - id: g
    name: G
    members: [web, api]
    quorum: { green: 1, yellow: 2 }
`;

describe("loadConfig: semantic errors next to schema errors", () => {
  it("reports a bad probe type, impossible thresholds and an impossible quorum in one run", () => {
    const text = REVIEWER_CASE;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatchObject({
      file: "ops.config.yml",
      path: "services[0].probe.type",
      ...pos(text, "htp"),
      expected:
        'type to be one of "http", "postgres", "prometheus", "fly", "mcp", "tcp", "dns", "domain", "websocket", "steps", "google-analytics"',
      found: '"htp"',
    });
    expect(errors[1]).toMatchObject({
      file: "ops.config.yml",
      path: "services[1].thresholds.successRate.yellow",
      ...pos(text, "80"),
      expected: "more than red (90 %)",
      found: "80 %",
    });
    expect(errors[2]).toMatchObject({
      file: "ops.config.yml",
      path: "groups[0].quorum.yellow",
      ...pos(text, "2 }"),
      expected: "at most quorum.green (1)",
      found: "2",
    });
  });

  it("reports each semantic error exactly as it is reported without the schema error", () => {
    const alone = errorsOf(REVIEWER_CASE.replace("type: htp", "type: http"));
    expect(alone.map((e) => e.path)).toEqual(["services[1].thresholds.successRate.yellow", "groups[0].quorum.yellow"]);
    const together = errorsOf(REVIEWER_CASE);
    expect(together.filter((e) => e.path !== "services[0].probe.type")).toEqual(alone);
  });

  // Every check that needs typed values, each paired with a schema error elsewhere (`title: 3`).
  const SEMANTIC = `services:
  - id: web
    name: Web
    probe: { type: http, url: "https://example.com/?k=\${bad-name}" }
    connectTimeout: 20s
  - id: db
    name: DB
    probe: { type: postgres, url: "\${DB_URL}" }
    thresholds:
      latency: { yellow: 2s, red: 800ms }
    rollback: { provider: fly, app: hotdash-db }
defaults:
  thresholds:
    certDays: { yellow: 7, red: 14 }
maintenance:
  - { services: [web], start: "2025-10-20T03:00:00Z", end: "2025-10-20T02:00:00Z" }
  - services: [db]
    weekly: { days: [sun, sun], start: "03:00", duration: 30m }
    timezone: America/Chicgo
incidents:
  escalation:
    - { level: 2, after: 1h, name: Lead }
    - { level: 3, after: 30m, name: Manager }
schedule:
  monitor: "* * * * *"
  updates: ["08:00", "08:00"]
`;

  it("runs every semantic check on the valid parts: the same errors, plus the schema error", () => {
    const alone = errorsOf(SEMANTIC);
    expect(alone.map((e) => e.path)).toEqual([
      "services[0].probe.url",
      "services[0].connectTimeout",
      "services[1].thresholds.latency.yellow",
      "services[1].rollback",
      "defaults.thresholds.certDays.yellow",
      "maintenance[0].end",
      "maintenance[1].weekly.days[1]",
      "maintenance[1].timezone",
      "incidents.escalation[1].after",
      "schedule.monitor",
      "schedule.updates[1]",
    ]);
    const text = `title: [3]\n${SEMANTIC}`;
    const together = errorsOf(text);
    expect(together[0]).toMatchObject({ path: "title", line: 1, expected: "a string", found: "a list of 1 item" });
    // Shifted down by the added first line, otherwise identical.
    expect(together.slice(1)).toEqual(alone.map((e) => ({ ...e, line: e.line! + 1 })));
  });

  it("skips the semantic checks of a part that fails its schema, so nothing is reported twice", () => {
    const text = `services:
  - id: web
    name: Web
    probe: { type: http, url: https://example.com }
    thresholds:
      successRate: { yellow: 80, red: 900 }
`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toEqual(["services[0].thresholds.successRate.red"]);
    expect(errors[0]).toMatchObject({ ...pos(text, "900"), expected: "a number ≤ 100", found: "900" });
  });

  it("checks the escalation levels that parse against each other, keeping their indexes", () => {
    const text = `services:
  - { id: web, name: Web, probe: { type: http, url: https://example.com } }
incidents:
  escalation:
    - { level: 3, after: 30m, name: Manager }
    - { level: 4, after: soon, name: Director }
    - { level: 2, after: 1h, name: Lead }
`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toEqual(["incidents.escalation[1].after", "incidents.escalation[2].level"]);
    expect(errors[1]).toMatchObject({
      ...pos(text, "2,"),
      expected: "levels in increasing order (after level 3)",
      found: "2",
    });
  });

  it("compares an inherited timeout only when defaults are valid; an explicit one always", () => {
    const text = `defaults: { timeout: 2s, samples: 0 }
services:
  - { id: a, name: A, probe: { type: http, url: https://example.com }, connectTimeout: 5s }
  - { id: b, name: B, probe: { type: http, url: https://example.com }, timeout: 1s, connectTimeout: 3s }
`;
    const errors = errorsOf(text);
    expect(formatConfigErrors(errors)).not.toContain("services[0]");
    expect(errors.map((e) => e.path)).toEqual(["defaults.samples", "services[1].connectTimeout"]);
    expect(errors[1]).toMatchObject({ expected: "at most the service's timeout (1 s)", found: "3 s" });
    // With valid defaults, the inherited 2 s is compared.
    const fixed = errorsOf(text.replace("samples: 0", "samples: 3"));
    expect(fixed.map((e) => e.path)).toEqual(["services[0].connectTimeout", "services[1].connectTimeout"]);
  });
});
