import { describe, expect, it } from "vitest";
import {
  ConfigLoadError,
  formatConfigErrors,
  loadConfig,
  loadConfigOrThrow,
  validateConfig,
  type ConfigError,
} from "./load.ts";
import { errorsOf, pos } from "./test-yaml.ts";

function errorAt(errors: ConfigError[], path: string): ConfigError {
  const e = errors.find((x) => x.path === path);
  if (!e) throw new Error(`no error at ${path}; got:\n${formatConfigErrors(errors)}`);
  return e;
}

const SERVICE = `  - id: web
    name: Web
    probe:
      type: http
      url: https://example.com/health
`;

describe("loadConfig: a valid file", () => {
  it("applies defaults and converts durations", () => {
    const r = loadConfig("ops.config.yml", `services:\n${SERVICE}    timeout: 2s\n`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.services[0]!.timeout).toBe(2_000);
    expect(r.config.defaults.samples).toBe(3);
    expect(r.config.services[0]!.probe).toMatchObject({ method: "GET", redirects: 5 });
  });
});

describe("loadConfig: every block's defaults are written once", () => {
  it("a config without a block and one with an empty block resolve to the same values", () => {
    const blocks = ["defaults", "incidents", "notifications", "schedule", "retention", "connectivity", "consensus"];
    const without = loadConfig("ops.config.yml", `services:\n${SERVICE}`);
    const empty = loadConfig("ops.config.yml", `${blocks.map((b) => `${b}: {}`).join("\n")}\nservices:\n${SERVICE}`);
    expect(without.ok && empty.ok).toBe(true);
    if (!without.ok || !empty.ok) return;
    expect(empty.config).toEqual(without.config);
    // The values come from the fields' own defaults (one place each), not from a copy on the block.
    expect(without.config.defaults).toMatchObject({
      timeout: 10_000,
      samples: 3,
      confirmWindow: 120_000,
      thresholds: { successRate: { yellow: 95, red: 90 } },
    });
    expect(without.config.schedule.monitor).toBe("*/5 * * * *");
    expect(without.config.retention).toEqual({ rawDays: 35, gapLimit: 1_200_000 });
    expect(without.config.services[0]!.probe).toMatchObject({ expect: { status: ["2xx"] } });
  });
});

describe("loadConfig: anchors and merge keys", () => {
  it("accepts a fleet built from an anchor under an ignored x- key", () => {
    const text = `x-prom: &prom { type: prometheus, url: https://prom.example, token: "\${T}" }\nservices:\n  - id: a\n    name: A\n    probe: { <<: *prom, query: up }\n    thresholds: { value: { red: 1 } }\n`;
    const r = loadConfig("ops.config.yml", text);
    expect(r.ok && r.config.services[0]!.probe).toMatchObject({
      type: "prometheus",
      url: "https://prom.example",
      query: "up",
    });
  });

  it("shares settings through <<: *anchor, and still places errors in merged entries", () => {
    const text = `x-prom: &prom { type: prometheus, url: https://prom.example, token: "\${T}" }\nservices:\n  - id: a\n    name: A\n    probe: { <<: *prom, query: up }\n    thresholds: { value: { red: 1 } }\n  - id: b\n    name: B\n    probe: { <<: *prom, query: up, agregate: max }\n`;
    const errors = errorsOf(text);
    // x-prom is ignored (a home for anchors); only the typo in the second service is an error.
    expect(errors).toHaveLength(1);
    const typo = errorAt(errors, "services[1].probe.agregate");
    expect(typo).toMatchObject(pos(text, "agregate"));
    expect(typo.message).toContain('did you mean "aggregate"?');
  });
});

describe("loadConfig: YAML syntax errors", () => {
  it("reports each with its line and column, all at once", () => {
    const text = `services:\n  - id: web\n\tname: tab\n    url: "unterminated\n`;
    const errors = errorsOf(text);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    const tab = errors.find((e) => e.message.includes("Tabs"))!;
    expect(tab).toMatchObject({ file: "ops.config.yml", path: "", line: 3, column: 1, expected: "valid YAML" });
    expect(tab.found).toContain("TAB_AS_INDENT");
    expect(errors.some((e) => e.found.includes("MISSING_CHAR"))).toBe(true);
  });

  it("reports a duplicate key where the second one is", () => {
    const text = `title: a\nservices:\n${SERVICE}title: b\n`;
    const [e] = errorsOf(text);
    expect(e).toMatchObject({ line: pos(text, "title: b").line, column: 1, expected: "valid YAML" });
    expect(e!.found).toContain("DUPLICATE_KEY");
  });

  it("reports an alias without an anchor", () => {
    const [e] = errorsOf(`services: *fleet\n`);
    expect(e!.expected).toBe("YAML whose aliases all resolve");
    expect(e!.found).toContain("Unresolved alias");
  });

  it("reports an empty file and a missing file", () => {
    expect(errorsOf("")[0]).toMatchObject({
      path: "",
      expected: "a mapping with at least `services`",
      found: "an empty document",
    });
    const r = loadConfig("/nonexistent/ops.config.yml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: "/nonexistent/ops.config.yml", found: "ENOENT" });
  });
});

describe("loadConfig: schema errors", () => {
  it("wrong type: names the expected type and the found value", () => {
    const text = `services:\n${SERVICE}    samples: "three"\n`;
    const e = errorAt(errorsOf(text), "services[0].samples");
    expect(e).toMatchObject({
      file: "ops.config.yml",
      ...pos(text, '"three"'),
      expected: "a number",
      found: '"three"',
    });
  });

  it("unknown key: points at the key and names the nearest valid one", () => {
    const text = `services:\n${SERVICE}      expect:\n        staus: [200]\n`;
    const e = errorAt(errorsOf(text), "services[0].probe.expect.staus");
    expect(e).toMatchObject({ ...pos(text, "staus"), found: 'unknown key "staus"' });
    expect(e.expected).toBe("one of the keys status, json, contains, notContains, headers");
    expect(e.message).toMatch(/^unknown key "staus" — did you mean "status"\?/);
  });

  it("inside a union, reports against the form whose keys were used", () => {
    const text = `services:\n${SERVICE}maintenance:\n  - services: [web]\n    weekly: { days: [sunday], start: "03:00", duraton: 1h }\n`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toEqual([
      "maintenance[0].weekly.duration",
      "maintenance[0].weekly.days[0]",
      "maintenance[0].weekly.duraton",
    ]);
    expect(errorAt(errors, "maintenance[0].weekly.days[0]")).toMatchObject({
      ...pos(text, "sunday"),
      found: '"sunday"',
    });
    expect(errorAt(errors, "maintenance[0].weekly.duraton").message).toContain('did you mean "duration"?');
  });

  it("unknown key with no near match lists the allowed keys", () => {
    const text = `services:\n${SERVICE}    colour: red\n`;
    const e = errorAt(errorsOf(text), "services[0].colour");
    expect(e.message).toContain('unknown key "colour" — expected one of: id, name, environment');
    expect(e.line).toBe(pos(text, "colour").line);
  });

  it("bad enum value: lists the allowed values and suggests one", () => {
    const text = `services:\n${SERVICE}    criticality: critcal\n`;
    const e = errorAt(errorsOf(text), "services[0].criticality");
    expect(e).toMatchObject({
      ...pos(text, "critcal"),
      expected: 'one of "critical", "high", "medium", "low"',
      found: '"critcal"',
    });
    expect(e.message).toContain('did you mean "critical"?');
  });

  it("missing required key: placed at its parent mapping", () => {
    const text = `services:\n  - id: web\n    probe:\n      type: http\n      url: https://example.com\n`;
    const e = errorAt(errorsOf(text), "services[0].name");
    expect(e).toMatchObject({ ...pos(text, "id: web"), expected: "a string", found: "nothing (the key is missing)" });
  });

  it("bad discriminant: names every allowed probe type", () => {
    const text = `services:\n  - id: web\n    name: Web\n    probe:\n      type: htp\n      url: https://example.com\n`;
    const e = errorAt(errorsOf(text), "services[0].probe.type");
    expect(e).toMatchObject({ ...pos(text, "htp"), found: '"htp"' });
    expect(e.expected).toBe(
      'type to be one of "http", "postgres", "prometheus", "fly", "mcp", "tcp", "dns", "domain", "websocket", "steps", "google-analytics"',
    );
    expect(e.message).toContain('did you mean "http"?');
  });

  it("missing discriminant: says which key to add", () => {
    const text = `services:\n  - id: web\n    name: Web\n    probe:\n      url: https://example.com\n`;
    const e = errorAt(errorsOf(text), "services[0].probe.type");
    expect(e).toMatchObject({ line: pos(text, "url:").line, found: "nothing (the key is missing)" });
    expect(e.message).toContain('add "type:"');
  });

  it("bad duration: shows the accepted forms", () => {
    const text = `services:\n${SERVICE}    timeout: 5 sec\n`;
    const e = errorAt(errorsOf(text), "services[0].timeout");
    expect(e).toMatchObject({ ...pos(text, "5 sec"), found: '"5 sec"' });
    expect(e.expected).toContain('"800ms", "2s", "15m"');
  });

  it("a timeout of 0 is rejected where it would fail every sample; statementTimeout 0 is PostgreSQL's no limit", () => {
    const text = `defaults:\n  connectTimeout: 0\nservices:\n${SERVICE}    timeout: 0s\n`;
    const errors = errorsOf(text);
    expect(errorAt(errors, "services[0].timeout").expected).toContain("more than 0");
    expect(errorAt(errors, "defaults.connectTimeout").expected).toContain("more than 0");
    const pg = `services:\n  - id: db\n    name: DB\n    probe: { type: postgres, url: "postgres://u@h/d", query: "SELECT 1", statementTimeout: 0 }\n`;
    const r = loadConfig("ops.config.yml", pg);
    expect(r.ok && r.config.services[0]!.probe).toMatchObject({ statementTimeout: 0 });
  });

  it("missing duration inside a threshold", () => {
    const text = `services:\n${SERVICE}    thresholds:\n      latency: { yellow: 1s }\n`;
    const e = errorAt(errorsOf(text), "services[0].thresholds.latency.red");
    expect(e.expected).toContain("a duration");
    expect(e.found).toBe("nothing (the key is missing)");
  });

  it("out of range, bad format, too few items", () => {
    const text = `defaults: { samples: 50 }\nconnectivity: { urls: [not-a-url] }\ngroups:\n  - { id: g, name: G, members: [], quorum: { green: 1, yellow: 1 } }\nservices:\n${SERVICE}`;
    const errors = errorsOf(text);
    expect(errorAt(errors, "defaults.samples")).toMatchObject({
      ...pos(text, "50"),
      expected: "a number ≤ 20",
      found: "50",
    });
    expect(errorAt(errors, "connectivity.urls[0]")).toMatchObject({
      expected: "a URL such as https://example.com/health",
      found: '"not-a-url"',
    });
    expect(errorAt(errors, "groups[0].members")).toMatchObject({
      expected: "at least 1 item",
      found: "an empty list []",
    });
  });

  it("reports every error in the file at once, in file order", () => {
    const text = `title: 3\nservices:\n  - id: Web!\n    name: Web\n    probe: { type: http, url: https://example.com, method: FETCH }\n`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toEqual(["title", "services[0].id", "services[0].probe.method"]);
    expect(errors.map((e) => e.line)).toEqual([1, 3, 5]);
  });
});

describe("loadConfig: semantic errors", () => {
  const base = (extra: string) =>
    `services:\n${SERVICE}  - id: api\n    name: API\n    probe: { type: http, url: https://example.com/api }\n${extra}`;

  it("duplicate service ids, group ids and a group id that is a service id", () => {
    const text = `${base("")}  - id: web\n    name: Again\n    probe: { type: http, url: https://example.com }\ngroups:\n  - { id: api, name: G, members: [web], quorum: { green: 1, yellow: 1 } }\n`;
    const errors = errorsOf(text);
    expect(errorAt(errors, "services[2].id")).toMatchObject({
      ...pos(text, "web", 1),
      expected: "a unique service id",
      found: '"web", already used by services[0]',
    });
    expect(errorAt(errors, "groups[0].id")).toMatchObject({
      expected: "an id no service uses",
      found: '"api", the id of services[1]',
    });
  });

  it("id errors come in the same round as schema errors elsewhere", () => {
    const text = `${base("")}  - id: web\n    name: 7\n    probe: { type: http, url: https://example.com }\n`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toEqual(["services[2].id", "services[2].name"]);
  });

  it("unknown group member, with the nearest service id", () => {
    const text = base(
      "groups:\n  - id: g\n    name: G\n    members: [web, apj]\n    quorum: { green: 1, yellow: 1 }\n",
    );
    const e = errorAt(errorsOf(text), "groups[0].members[1]");
    expect(e).toMatchObject({ ...pos(text, "apj"), expected: "the id of a service in `services`", found: '"apj"' });
    expect(e.message).toContain('did you mean "api"?');
  });

  it("impossible quorum: yellow above green, green above the member count", () => {
    const text = base(
      "groups:\n  - id: g\n    name: G\n    members: [web, api]\n    quorum: { green: 3, yellow: 4 }\n",
    );
    const errors = errorsOf(text);
    expect(errorAt(errors, "groups[0].quorum.green")).toMatchObject({
      ...pos(text, "3"),
      expected: "at most the number of members (2)",
      found: "3",
    });
    expect(errorAt(errors, "groups[0].quorum.yellow")).toMatchObject({
      expected: "at most quorum.green (3)",
      found: "4",
    });
  });

  it("impossible thresholds in every metric's direction", () => {
    const text = `services:\n  - id: db\n    name: DB\n    probe: { type: postgres, url: "\${DB_URL}" }\n    thresholds:\n      latency: { yellow: 2s, red: 800ms }\n      successRate: { yellow: 90, red: 95 }\n      certDays: { yellow: 7, red: 14 }\n      value: { yellow: 60, red: 50, direction: above }\n`;
    const errors = errorsOf(text);
    expect(errorAt(errors, "services[0].thresholds.latency.yellow")).toMatchObject({
      ...pos(text, "2s"),
      expected: "less than red (800 ms)",
      found: "2 s",
    });
    expect(errorAt(errors, "services[0].thresholds.successRate.yellow")).toMatchObject({
      expected: "more than red (95 %)",
      found: "90 %",
    });
    expect(errorAt(errors, "services[0].thresholds.certDays.yellow")).toMatchObject({
      expected: "more days than red (14)",
      found: "7",
    });
    expect(errorAt(errors, "services[0].thresholds.value.yellow")).toMatchObject({
      expected: 'less than red (50) for direction "above"',
      found: "60",
    });
  });

  it("value thresholds on a probe that reads no value", () => {
    const text = `services:\n${SERVICE}    thresholds:\n      value: { red: 5 }\n`;
    const e = errorAt(errorsOf(text), "services[0].thresholds.value");
    expect(e).toMatchObject({
      expected:
        "a probe that reads a value (postgres, prometheus, domain, google-analytics with quota, or http with probe.value)",
      found: 'probe type "http"',
    });
  });

  it("a Fly rollback on a database probe", () => {
    const text = `services:\n  - id: db\n    name: DB\n    probe: { type: postgres, url: "\${DB_URL}" }\n    rollback: { provider: fly, app: hotdash-db }\n`;
    expect(errorAt(errorsOf(text), "services[0].rollback").found).toBe('probe type "postgres"');
  });

  it("maintenance: unknown service, end before start, bad time zone", () => {
    const text = base(
      'maintenance:\n  - { services: [wbe], start: "2025-10-20T03:00:00Z", end: "2025-10-20T02:00:00Z" }\n  - services: [api]\n    weekly: { days: [sun], start: "03:00", duration: 30m }\n    timezone: America/Chicgo\n',
    );
    const errors = errorsOf(text);
    const unknown = errorAt(errors, "maintenance[0].services[0]");
    expect(unknown).toMatchObject({ ...pos(text, "wbe"), expected: "the id of a service or group", found: '"wbe"' });
    expect(unknown.message).toContain('did you mean "web"?');
    expect(errorAt(errors, "maintenance[0].end")).toMatchObject({
      expected: "a time after start (2025-10-20T03:00:00Z)",
      found: '"2025-10-20T02:00:00Z"',
    });
    expect(errorAt(errors, "maintenance[1].timezone")).toMatchObject({
      ...pos(text, "America/Chicgo"),
      expected: "an IANA time zone",
      found: '"America/Chicgo"',
    });
  });

  it("silences: unknown service, no expiry", () => {
    const text = base(
      'silences:\n  - { services: [wbe], until: "2025-10-20T03:00:00Z", reason: deploy }\n  - { services: [web], reason: forever }\n',
    );
    const errors = errorsOf(text);
    expect(errorAt(errors, "silences[0].services[0]")).toMatchObject({
      ...pos(text, "wbe"),
      expected: "the id of a service or group",
      found: '"wbe"',
    });
    expect(errorAt(errors, "silences[0].services[0]").message).toContain('did you mean "web"?');
    expect(errorAt(errors, "silences[1].until")).toBeDefined();
  });

  it("dependsOn: unknown id, itself, a group's own member, a cycle", () => {
    const text =
      "services:\n" +
      "  - { id: web, name: Web, probe: { type: http, url: https://example.com/ }, dependsOn: [api, supabse] }\n" +
      "  - { id: api, name: API, probe: { type: http, url: https://example.com/api }, dependsOn: [db] }\n" +
      "  - { id: db, name: DB, probe: { type: http, url: https://example.com/db }, dependsOn: [web, db] }\n" +
      "groups:\n  - { id: all, name: All, members: [web, api], quorum: { green: 2, yellow: 1 }, dependsOn: [web] }\n";
    const errors = errorsOf(text);
    expect(errorAt(errors, "services[0].dependsOn[1]")).toMatchObject({
      expected: "the id of a service or group",
      found: '"supabse"',
    });
    expect(errorAt(errors, "services[2].dependsOn[1]")).toMatchObject({
      expected: "the id of another service or group",
      found: '"db", itself',
    });
    expect(errorAt(errors, "groups[0].dependsOn[0]").expected).toBe("a service or group outside the group");
    expect(errorAt(errors, "services[0].dependsOn")).toMatchObject({
      expected: "dependencies without a cycle",
      found: "web → api → db → web",
    });
    expect(errors.filter((e) => e.expected === "dependencies without a cycle")).toHaveLength(1);
  });

  it("escalation levels out of order", () => {
    const text = base(
      "incidents:\n  escalation:\n    - { level: 2, after: 1h, name: Lead }\n    - { level: 3, after: 30m, name: Manager }\n",
    );
    const e = errorAt(errorsOf(text), "incidents.escalation[1].after");
    expect(e).toMatchObject({ ...pos(text, "30m"), expected: "later than level 2 (60 min)", found: "30 min" });
  });

  it("schedule: a cron faster than GitHub allows and a repeated update time", () => {
    const text = base('schedule:\n  monitor: "* * * * *"\n  updates: ["08:00", "08:00"]\n');
    const errors = errorsOf(text);
    expect(errorAt(errors, "schedule.monitor")).toMatchObject({
      expected: "an interval of at least 5 minutes",
      found: '"* * * * *"',
    });
    expect(errorAt(errors, "schedule.updates[1]")).toMatchObject({
      ...pos(text, '"08:00"', 1),
      found: '"08:00" again',
    });
  });

  it("a malformed ${NAME} reference", () => {
    const text = `services:\n  - id: web\n    name: Web\n    probe:\n      type: http\n      url: https://example.com/?key=\${shop-token}\n`;
    const e = errorAt(errorsOf(text), "services[0].probe.url");
    expect(e).toMatchObject({ found: '"${shop-token}"' });
    expect(e.expected).toContain("a secret reference ${NAME}");
  });
});

describe("secrets in messages", () => {
  it("never echoes a literal credential, nor any environment value", () => {
    process.env.CFG_TEST_SECRET = "s3cr3t-from-env-value";
    try {
      const text = `services:\n  - id: web\n    name: Web\n    probe:\n      type: http\n      url: https://example.com\n      headers: { Authorization: 12345678, X-Token: "\${CFG_TEST_SECRET" }\n    bogus: 1\n`;
      const out = formatConfigErrors(errorsOf(text));
      expect(out).not.toContain("12345678");
      expect(out).not.toContain("s3cr3t-from-env-value");
      expect(out).toContain("hidden");
      const warn = loadConfig(
        "x.yml",
        `services:\n  - id: web\n    name: Web\n    probe: { type: http, url: https://x.dev, headers: { Authorization: "Bearer abc123secretvalue" } }\n`,
      );
      expect(warn.ok).toBe(true);
      expect(formatConfigErrors(warn.warnings)).toContain("a literal value (hidden)");
      expect(formatConfigErrors(warn.warnings)).not.toContain("abc123secretvalue");
    } finally {
      delete process.env.CFG_TEST_SECRET;
    }
  });
});

describe("formatting and helpers", () => {
  it("formats one line per error: file:line:col path: message", () => {
    const text = `services:\n${SERVICE}      expect:\n        staus: [200]\n`;
    const line = formatConfigErrors(errorsOf(text));
    expect(line).toBe(
      'ops.config.yml:8:9 services[0].probe.expect.staus: unknown key "staus" — did you mean "status"? (allowed here: status, json, contains, notContains, headers)',
    );
  });

  it("loadConfigOrThrow throws every error in one ConfigLoadError", () => {
    const text = `services:\n${SERVICE}    samples: 0\n    colour: red\n`;
    let caught: unknown;
    try {
      loadConfigOrThrow("ops.config.yml", text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigLoadError);
    const err = caught as ConfigLoadError;
    expect(err.errors).toHaveLength(2);
    expect(err.message).toContain("2 configuration errors");
    expect(err.message).toContain("ops.config.yml:7:14 services[0].samples: expected a number ≥ 1, found 0");
  });

  it("validateConfig checks an object without a file", () => {
    const r = validateConfig({ services: [{ id: "a", name: "A", probe: { type: "fly", app: "Bad_App" } }] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems[0]).toMatchObject({
        path: ["services", 0, "probe", "app"],
        expected: "a Fly app name",
        found: '"Bad_App"',
      });
  });

  it("rejects a probe URL without a scheme at validation, not at run time, and says what to write", () => {
    const text = `services:
  - id: web
    name: Web
    probe:
      type: http
      url: 127.0.0.1:18081/
  - id: db
    name: DB
    probe: { type: postgres, url: "db.example.com:5432/app" }
  - id: mcp
    name: MCP
    probe: { type: mcp, url: "\${MCP_URL}", health: { url: "localhost/health" } }
`;
    const r = loadConfig("ops.config.yml", text);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    const web = errorAt(errors, "services[0].probe.url");
    // A literal URL may hold a credential, so its value stays hidden in messages (as elsewhere).
    expect(web).toMatchObject({
      line: 6,
      column: 12,
      found: "a literal string of 16 characters (hidden: it may be a secret)",
    });
    expect(web.message).toMatch(
      /^expected a URL starting with http:\/\/ or https:\/\/, such as "https:\/\/example\.com\/health" \(or a \$\{SECRET\} holding one\), found a literal/,
    );
    expect(errorAt(errors, "services[1].probe.url").expected).toMatch(
      /^a URL starting with postgres:\/\/ or postgresql:\/\//,
    );
    expect(errorAt(errors, "services[2].probe.health.url").expected).toMatch(/^a URL starting with http:\/\//);
    // A URL that is a secret, or starts with one, is checked when the secret is read.
    expect(errors.map((e) => e.path)).not.toContain("services[2].probe.url");
    for (const url of ["http://127.0.0.1:18081/", "HTTPS://example.com", "${BASE}/health", "https://${HOST}/x"]) {
      const one = loadConfig(
        "x.yml",
        `services:\n  - id: web\n    name: Web\n    probe: { type: http, url: "${url}" }\n`,
      );
      expect(one.ok ? [] : one.errors, url).toEqual([]);
    }
  });
});
