import { afterEach, describe, expect, it } from "vitest";
import { OpsConfig, type OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { notifierFromConfig } from "../../actions/incident/notify/from-config.ts";
import { createWorld, MIN, SECRETS, type World } from "./harness.ts";
import { startReceiver, type Receiver } from "./receivers.ts";

/**
 * Issue 12: the notifications of one run are batched per route. A mass outage of twenty services
 * is one Slack message listing them and one PagerDuty request per dedup key, not twenty messages;
 * a failing route is one warning; a replay of the run sends nothing new.
 */
const worlds: World[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    expect(w.gh.violations.splice(0)).toEqual([]);
    await w.close();
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const pad = (i: number) => String(i).padStart(2, "0");
const fleet = (count: number, criticality = "critical", from = 1): OpsConfigInput["services"] =>
  Array.from({ length: count }, (_, n) => {
    const id = `svc-${pad(from + n)}`;
    return {
      id,
      name: `Service ${pad(from + n)}`,
      environment: "production",
      criticality,
      probe: { type: "http", url: `https://${id}.example.test/health` },
    } as OpsConfigInput["services"][number];
  });
const keys = (services: OpsConfigInput["services"]) => services.map((s) => `service:${s.id}`);

async function world(services: OpsConfigInput["services"]): Promise<World> {
  const w = await createWorld({ services });
  worlds.push(w);
  return w;
}

async function receiver(status: number): Promise<Receiver> {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}

const route = (m: { path: string }) => m.path.replace(/.*\/(\w+)-s3cr3t-path$/, "$1");

describe("a mass outage is one message per route", () => {
  it("twenty services down: one Slack message listing all twenty, one PagerDuty request per key; a replay sends nothing; the recovery is one message too", async () => {
    const services = fleet(20);
    const w = await world(services);
    for (const s of services) w.set(s.id, "down", "unexpected status 503 (expected 200)");
    const r = await w.run();
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    const issues = w.openIssues();
    expect(issues).toHaveLength(20);

    expect(w.slack.received.map(route)).toEqual(["emergency"]);
    const text = String(w.slack.received[0]!.body.text);
    const lines = text.split("\n");
    expect(lines[0]).toBe(":rotating_light: *P0 · 20 incident updates: 20 opened*");
    const entries = lines.filter((l) => l.startsWith("• "));
    expect(entries).toHaveLength(20);
    services.forEach((s, i) => {
      // Kind, severity, name, summary and the issue's link, in the order of the run's plans; twenty
      // such lines fit Slack's 4,000 characters in their shortest form.
      expect(entries[i]).toMatch(
        new RegExp(
          `^• \\*P0 opened\\* ${s.name} \\(production\\) down: reason: unexpected status 503 .*… <https://github\\.example\\.test/hotdash/ops/issues/\\d+\\|issue>$`,
        ),
      );
    });
    for (const issue of issues) expect(text).toContain(`/issues/${issue.number}|issue>`);
    expect(text).not.toContain("more");
    expect(text.length).toBeLessThanOrEqual(4_000);
    expect(w.slack.received[0]!.body).toMatchObject({ unfurl_links: false, unfurl_media: false });

    // PagerDuty's dedup groups are the keys: one trigger each.
    expect(w.pagerduty.received.map((m) => `${m.body.event_action}:${m.body.dedup_key}`)).toEqual(
      keys(services).map((k) => `trigger:${k}`),
    );
    // Each event keeps its own record, with the deliveries of the routes it went through.
    expect(r.notifications).toEqual(
      keys(services).map((key) => ({
        key,
        event: "open",
        deliveries: [
          { route: "slack-emergency", ok: true },
          { route: "pagerduty", ok: true },
        ],
      })),
    );

    // The same run replayed: decided already, nothing new is sent.
    const replay = await w.run();
    expect(replay.notifications).toEqual([]);
    expect(w.slack.received).toHaveLength(1);
    expect(w.pagerduty.received).toHaveLength(20);

    // All recover: the closing run resolves all twenty in one message.
    for (const s of services) w.set(s.id, "up");
    for (let i = 0; i < 3; i++) {
      w.clock.advance(5 * MIN);
      await w.run();
    }
    expect(w.openIssues()).toEqual([]);
    expect(w.slack.received.map(route)).toEqual(["emergency", "emergency"]);
    const resolved = String(w.slack.received[1]!.body.text).split("\n");
    expect(resolved[0]).toBe(":white_check_mark: *P0 · 20 incident updates: 20 resolved*");
    expect(
      resolved.filter((l) =>
        /^• (:white_check_mark: \*P0 incident resolved\* —|\*P0 resolved\*) Service \d\d /.test(l),
      ),
    ).toHaveLength(20);
    expect(w.pagerduty.received.slice(20).map((m) => `${m.body.event_action}:${m.body.dedup_key}`)).toEqual(
      keys(services).map((k) => `resolve:${k}`),
    );
  });

  it("each route gets its own message; the same run in another world sends the same bytes", async () => {
    const services = [...fleet(3), ...fleet(2, "medium", 4)];
    const sent = [];
    for (let n = 0; n < 2; n++) {
      const w = await world(services);
      for (const s of services) w.set(s.id, "down", "connection refused");
      const r = await w.run();
      expect(r.errors).toEqual([]);
      expect(w.slack.received.map(route)).toEqual(["emergency", "alerts"]);
      expect(String(w.slack.received[0]!.body.text).split("\n")[0]).toBe(
        ":rotating_light: *P0 · 3 incident updates: 3 opened*",
      );
      expect(String(w.slack.received[1]!.body.text).split("\n")[0]).toBe(
        ":rotating_light: *P2 · 2 incident updates: 2 opened*",
      );
      expect(w.pagerduty.received.map((m) => m.body.dedup_key)).toEqual(keys(services.slice(0, 3)));
      sent.push({
        slack: JSON.stringify(w.slack.received.map((m) => [route(m), m.body])),
        pagerduty: JSON.stringify(w.pagerduty.received.map((m) => m.body)),
        notifications: JSON.stringify(r.notifications),
      });
    }
    expect(sent[1]).toEqual(sent[0]);
  });
});

describe("a failing route", () => {
  it("never holds back the others and is one warning naming its incidents, not twenty", async () => {
    const services = fleet(20);
    const w = await world(services);
    const hook = await receiver(500);
    const config = OpsConfig.parse({
      ...w.config,
      notifications: {
        ...w.config.notifications,
        channels: { hook: { type: "webhook", url: "${HOOK_URL}" } },
        routes: { P0: ["slack-emergency", "pagerduty", "hook"], P1: [], P2: [], P3: [] },
      },
    });
    const notifier = notifierFromConfig({
      config,
      env: {
        SLACK_EMERGENCY: `${w.slack.url}/services/${SECRETS.SLACK_EMERGENCY_URL_PATH}`,
        SLACK_ALERTS: `${w.slack.url}/services/${SECRETS.SLACK_ALERTS_URL_PATH}`,
        PD_KEY: SECRETS.PD_ROUTING_KEY,
        HOOK_URL: hook.url,
      },
      redactor: w.redactor,
      dryRun: false,
      print: () => {},
      clock: w.clock,
    });
    for (const s of services) w.set(s.id, "down", "unexpected status 503");
    const r = await w.run({ notifier });
    expect(r.errors).toEqual([]);
    expect(w.openIssues()).toHaveLength(20);
    expect(w.slack.received).toHaveLength(1);
    expect(w.pagerduty.received).toHaveLength(20);
    // The webhook takes one POST per event (its template describes one); each answered 500.
    expect(hook.received).toHaveLength(20);
    expect(r.warnings).toEqual([
      `${keys(services).slice(0, 10).join(", ")} and 10 more: notification hook failed: webhook (hook): answered 500 ({"error":"boom"})`,
    ]);
    expect(r.notifications.map((n) => n.deliveries.map((d) => `${d.route}:${d.ok}`))).toEqual(
      services.map(() => ["slack-emergency:true", "pagerduty:true", "hook:false"]),
    );
    expect(w.logs.filter((l) => l.includes("notification hook failed"))).toHaveLength(1);
  });
});
