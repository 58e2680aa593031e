import { afterEach, describe, expect, it } from "vitest";
import { createDryRunClient } from "../../actions/shared/github/dry-run.ts";
import { activeMaintenance } from "../../actions/shared/maintenance.ts";
import { createWorld, MIN, SECRETS, type World } from "./harness.ts";

let w: World;
afterEach(async () => {
  const violations = w.gh.violations.splice(0);
  await w.close();
  expect(violations).toEqual([]);
});

const everythingWritten = () =>
  [
    ...[...w.gh.state.issues.values()].flatMap((i) => [i.title, i.body ?? ""]),
    ...w.gh.state.comments.map((c) => c.body),
    ...w.logs,
    ...w.slack.received.map((m) => JSON.stringify(m.body)),
    ...w.pagerduty.received.map((m) => JSON.stringify({ ...m.body, routing_key: "(the key is its job)" })),
  ].join("\n");

describe("secrets and notifiers", () => {
  it("secret values never reach issue bodies, comments, records, logs or messages", async () => {
    w = await createWorld({ incidents: { reminderEvery: "10m" } });
    const token = "shpat_0123456789abcdef0123456789abcdef";
    w.redactor.add(token);
    // A probe reason that (wrongly) quotes a secret, e.g. an echoed header from the service.
    w.set(
      "chatwoot",
      "down",
      `unexpected status 401: header X-Shopify-Access-Token: ${token} rejected; routing ${SECRETS.PD_ROUTING_KEY}`,
    );
    w.slack.status = 500; // failures must not leak the webhook URL either
    for (let i = 0; i < 8; i++) {
      w.clock.advance(5 * MIN);
      await w.run();
    }
    w.set("chatwoot", "up");
    for (let i = 0; i < 2; i++) {
      w.clock.advance(5 * MIN);
      await w.run();
    }
    const text = everythingWritten();
    expect(text).toContain("X-Shopify-Access-Token: *** rejected");
    for (const secret of [token, ...Object.values(SECRETS)]) expect(text).not.toContain(secret);
    const { readFile, readdir } = await import("node:fs/promises");
    const records = await readdir(`${w.dataDir}/incidents`);
    const record = await readFile(`${w.dataDir}/incidents/${records[0]}`, "utf8");
    expect(record).toContain("***");
    for (const secret of [token, ...Object.values(SECRETS)]) expect(record).not.toContain(secret);
  });

  it("a failing notifier never blocks the issue work and shows in the run's errors", async () => {
    w = await createWorld();
    w.slack.status = 500;
    await w.pagerduty.close(); // connection refused
    w.set("chatwoot", "down", "refused");
    w.clock.advance(5 * MIN);
    const r = await w.run();
    expect(w.openIssues()).toHaveLength(1);
    // Failed deliveries are warnings: they do not fail the run (docs/incidents.md).
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^service:chatwoot: notification slack-emergency failed: Slack \(emergency\): answered 500/,
      ),
      "service:chatwoot: notification pagerduty failed: PagerDuty: request failed (ECONNREFUSED)",
    ]);
    expect(r.notifications[0]!.deliveries.map((d) => d.ok)).toEqual([false, false]);
    // Not retried on every run: notifications go out on open, escalation and resolve only.
    w.slack.status = 200;
    w.clock.advance(5 * MIN);
    const again = await w.run();
    expect(again.notifications).toEqual([]);
    expect(w.slack.received).toHaveLength(1);
  });

  it("dry run prints every issue operation and makes none", async () => {
    w = await createWorld();
    const lines: string[] = [];
    const dry = createDryRunClient({ reader: w.github, print: (l) => lines.push(l) });
    w.set("chatwoot", "down", "refused");
    w.clock.advance(5 * MIN);
    w.evaluate();
    const before = w.latest;
    const { runIncidents } = await import("../../actions/incident/step.ts");
    const { printingNotifier } = await import("../../actions/incident/notify/index.ts");
    const r = await runIncidents({
      config: w.config,
      latest: w.latest,
      github: dry,
      clock: w.clock,
      dataDir: w.dataDir,
      dryRun: true,
      notifier: printingNotifier((l) => lines.push(l), w.config.notifications),
      redactor: w.redactor,
      template: w.template,
      log: { info: (l: string) => void lines.push(l), warn: (l: string) => void lines.push(l) },
      maintenance: activeMaintenance([], [], w.clock.now()),
      budgetAlerts: [],
    });
    expect(r.errors).toEqual([]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[dry-run\] create issue "Incident: Chatwoot \(production\) down" labels=\[incident, severity:P0, service:chatwoot, env:production\] body=\d+ chars$/,
      ),
      expect.stringMatching(/^\[dry-run\] write incidents\/2026-11-22-chatwoot-down-refused\.md/),
      expect.stringMatching(/^\[dry-run\] notify slack-emergency: open P0/),
      expect.stringMatching(/^\[dry-run\] notify pagerduty: open P0/),
    ]);
    expect(w.gh.requests.filter((q) => q.method !== "GET")).toEqual([]);
    expect(r.latest).toBe(before);
    expect(w.slack.received).toEqual([]);
  });
});

describe("notification routes from the config's secrets", () => {
  it("a configured route whose secret is not set fails loudly, naming the secret; the others still send", async () => {
    const { notifierFromConfig } = await import("../../actions/incident/notify/from-config.ts");
    const { OpsConfig } = await import("../../actions/shared/config/schema/index.ts");
    const { manualClock } = await import("../../actions/shared/clock.ts");
    const { createRedactor } = await import("../../actions/shared/config/secrets.ts");
    const { startReceiver } = await import("./receivers.ts");
    const { Notifications } = await import("../../actions/shared/config/schema/incidents.ts");
    const slack = await startReceiver(200);
    w = await createWorld();
    try {
      const config = Notifications.parse({
        slack: { emergency: "${SLACK_EMERGENCY}" },
        pagerduty: { routingKey: "${PAGERDUTY_ROUTING_KEY}" },
      });
      const ops = OpsConfig.parse({
        services: [{ id: "x", name: "X", probe: { type: "http", url: "https://x.example.test" } }],
        notifications: config,
      });
      const notifier = notifierFromConfig({
        config: ops,
        env: { SLACK_EMERGENCY: `${slack.url}/hook` },
        redactor: createRedactor(),
        dryRun: false,
        print: () => {},
        clock: manualClock("2026-11-22T16:00:00Z"),
      });
      const [deliveries = []] = await notifier.sendBatch([
        {
          event: "open",
          key: "service:x",
          severity: "P1",
          summary: "X down",
          source: "x",
          environment: "production",
          details: {},
        },
      ]);
      expect(deliveries).toEqual([
        { route: "slack-emergency", ok: true },
        { route: "pagerduty", ok: false, error: "pagerduty not sent: missing secret PAGERDUTY_ROUTING_KEY" },
      ]);
      expect(slack.received).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });
});
