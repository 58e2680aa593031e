import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { formatConfigErrors, loadConfig } from "./load.ts";
import type { OpsConfig } from "./schema/index.ts";
import { isHotDashConfig } from "../../../test/default-config.ts";

/** The committed ops.config.yml: HotDash's fleet from the runbooks. */
const FILE = resolve(import.meta.dirname, "../../../ops.config.yml");
const TEXT = readFileSync(FILE, "utf8");

function load(): OpsConfig {
  const r = loadConfig(FILE);
  if (!r.ok) throw new Error(`ops.config.yml is invalid:\n${formatConfigErrors(r.errors)}`);
  return r.config;
}

const service = (c: OpsConfig, id: string) => {
  const s = c.services.find((x) => x.id === id);
  if (!s) throw new Error(`no service ${id}`);
  return s;
};

describe("ops.config.yml, whichever team's it is", () => {
  it("points editors at the JSON Schema on its first line", () => {
    expect(TEXT.split("\n")[0]).toBe("# yaml-language-server: $schema=./ops.config.schema.json");
  });

  it("loads cleanly; its only warnings are the placeholder logins to replace", () => {
    const r = loadConfig(FILE);
    expect(r.ok, r.ok ? "" : formatConfigErrors(r.errors)).toBe(true);
    for (const w of r.warnings) expect(w.found).toMatch(/^"REPLACE_WITH_[A-Z_]+"$/);
  });

  it("is also valid against the committed JSON Schema (what editors check)", () => {
    const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../ops.config.schema.json"), "utf8"));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(parse(TEXT));
    expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(validate({ services: [{ id: "x", name: "X", probe: { type: "htp", url: "u" } }] })).toBe(false);
  });
});

// HotDash's runbook values: skipped, saying so, when another team's config is swapped in.
describe.runIf(isHotDashConfig(FILE))("ops.config.yml (the committed HotDash config)", () => {
  it("carries the on-call runbook's thresholds", () => {
    const c = load();
    // Chatwoot Response Time: green < 800 ms, yellow 800 ms–2 s, red > 2 s.
    expect(service(c, "chatwoot").thresholds.latency).toMatchObject({ yellow: 800, red: 2_000 });
    // Shopify / GA success: green > 95 %, yellow 90–95 %, red < 90 %.
    expect(service(c, "shopify-admin").thresholds.successRate).toMatchObject({ yellow: 95, red: 90 });
    expect(service(c, "google-analytics").thresholds.successRate).toMatchObject({ yellow: 95, red: 90 });
    // MCP Server Health: 6/7 green, 5/7 yellow.
    const mcp = c.groups.find((g) => g.id === "mcp-servers")!;
    expect(mcp.members).toHaveLength(7);
    expect(mcp.quorum).toEqual({ green: 6, yellow: 5 });
    for (const m of mcp.members) expect(service(c, m).probe.type).toBe("mcp");
  });

  it("carries the SLOs, criticality and alerts of the monitoring and infrastructure runbooks", () => {
    const c = load();
    expect(c.slo?.availability).toBe(99.9);
    expect(service(c, "agent-service").slo).toMatchObject({ availability: 99.9, latency: { stat: "p95", below: 500 } });
    expect(service(c, "llamaindex-mcp").slo?.latency?.below).toBe(500);
    for (const id of ["hotdash-staging", "hotdash-production", "chatwoot", "supabase"])
      expect(service(c, id).criticality).toBe("critical");
    for (const id of ["agent-service", "llamaindex-mcp"]) expect(service(c, id).criticality).toBe("medium");
    expect(service(c, "production-5xx-rate").thresholds.value).toMatchObject({
      red: 5,
      for: 300_000,
      direction: "above",
    });
    expect(service(c, "production-p95-latency").thresholds.value).toMatchObject({ red: 10, for: 600_000 });
    expect(service(c, "production-memory").thresholds.value).toMatchObject({ red: 90, for: 300_000 });
    expect(service(c, "production-cpu").thresholds.value).toMatchObject({ yellow: 80, for: 900_000 });
    expect(service(c, "approval-queue").thresholds.value).toMatchObject({ red: 50, direction: "above" });
    const apps = c.services
      .filter((s) => s.probe.type === "fly")
      .map((s) => (s.probe.type === "fly" ? s.probe.app : ""));
    expect(apps.sort()).toEqual([
      "hotdash-agent-service",
      "hotdash-chatwoot",
      "hotdash-llamaindex-mcp",
      "hotdash-production",
      "hotdash-staging",
    ]);
  });

  it("carries the support plan's incident rules, routes and schedule", () => {
    const c = load();
    expect(c.incidents).toMatchObject({ degradedAfter: 900_000, closeAfter: 2, reminderEvery: 1_800_000 });
    expect(c.incidents.escalation.map((l) => [l.level, l.after, l.severities])).toEqual([
      [2, 1_800_000, ["P0"]],
      [3, 3_600_000, ["P0"]],
    ]);
    expect(c.notifications.routes).toEqual({
      P0: ["slack-emergency", "pagerduty"],
      P1: ["slack-emergency", "pagerduty"],
      P2: ["slack-alerts"],
      P3: ["slack-alerts"],
    });
    expect(c.schedule).toMatchObject({
      updates: ["00:00", "08:00", "12:00", "16:00", "20:00", "23:00"],
      daily: "23:00",
      weekly: { day: 1, time: "10:00" },
    });
  });

  it("holds secrets only as ${NAME} references", () => {
    const c = load();
    const shopify = service(c, "shopify-admin").probe;
    expect(shopify.type === "http" && shopify.headers["X-Shopify-Access-Token"]).toBe("${SHOPIFY_ADMIN_TOKEN}");
    expect(c.notifications.pagerduty?.routingKey).toBe("${PAGERDUTY_ROUTING_KEY}");
    expect(c.notifications.slack.emergency).toBe("${SLACK_EMERGENCY_WEBHOOK_URL}");
    // Nothing that looks like a credential (long opaque token) is written literally.
    expect(TEXT).not.toMatch(/(shpat_|xox[bp]-|ghp_|Bearer [A-Za-z0-9._-]{16,})/);
  });
});
