import { describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig, type OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { Notifications } from "../../actions/shared/config/schema/incidents.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { notifierFromConfig } from "../../actions/incident/notify/from-config.ts";
import { createNotifier, printingNotifier, type IncidentEvent } from "../../actions/incident/notify/index.ts";
import { peersPerTest } from "./peers.ts";
import type { Receiver } from "./receivers.ts";
import { readMail } from "./smtp.ts";

/**
 * The batching notifier against real peers on loopback: several events of one run on one route
 * are one message, cut to the platform's limits with "…and N more"; PagerDuty gets one request
 * per dedup key; a generic webhook one POST per event; a single event the message it always got.
 */
const { receiver, smtp } = peersPerTest();

const pad = (i: number) => String(i).padStart(3, "0");

const event = (i: number, over: Partial<IncidentEvent> = {}): IncidentEvent => ({
  event: "open",
  key: `service:svc-${pad(i)}`,
  severity: "P0",
  summary: `Service ${pad(i)} (production) down: reason: unexpected status 503`,
  source: `svc-${pad(i)}`,
  environment: "production",
  url: `https://github.com/hotdash/ops/issues/${i}`,
  details: { status: "down", evidence: "reason: unexpected status 503", startedAt: "2026-11-22T16:00:00.000Z" },
  ...over,
});
const events = (n: number, over: Partial<IncidentEvent> = {}) =>
  Array.from({ length: n }, (_, i) => event(i + 1, over));
const LONG = { details: { status: "down", evidence: `reason: ${"x".repeat(3_000)}` }, summary: "y".repeat(3_000) };

function slackAndPagerDuty(slack: Receiver, pd: Receiver, extra: Partial<OpsConfigInput["notifications"]> = {}) {
  return createNotifier({
    config: Notifications.parse({
      slack: { emergency: `${slack.url}/emergency`, alerts: `${slack.url}/alerts` },
      pagerduty: { routingKey: "R0UT1NGK3Y-0123456789abcdef", url: `${pd.url}/v2/enqueue` },
      ...extra,
    }),
    redactor: createRedactor(),
  });
}

function channelsConfig(notifications: OpsConfigInput["notifications"]): OpsConfig {
  return OpsConfig.parse({
    services: Array.from({ length: 3 }, (_, i) => ({
      id: `svc-${pad(i + 1)}`,
      name: `Service ${pad(i + 1)}`,
      criticality: "critical",
      probe: { type: "http", url: `https://svc-${i + 1}.example.test/health?token=x` },
      runbook: `https://runbooks.example.test/svc-${i + 1}`,
      ...(i === 0 ? { rollback: { provider: "fly", app: "hotdash-svc-1" } } : {}),
    })),
    notifications,
  });
}

const fromConfig = (c: OpsConfig, env: Record<string, string>) =>
  notifierFromConfig({
    config: c,
    env: { GITHUB_REPOSITORY: "hotdash/ops", GITHUB_SERVER_URL: "https://github.com", ...env },
    redactor: createRedactor(),
    dryRun: false,
    print: () => {},
    clock: manualClock("2026-11-22T16:05:00Z"),
  });

describe("Slack", () => {
  it("a single event is the message it always was, to the byte", async () => {
    const slack = await receiver(200);
    const pd = await receiver(202);
    const [deliveries] = await slackAndPagerDuty(slack, pd).sendBatch([
      event(7, { details: { status: "down", evidence: "TLS handshake failed", startedAt: "x" } }),
    ]);
    expect(deliveries).toEqual([
      { route: "slack-emergency", ok: true },
      { route: "pagerduty", ok: true },
    ]);
    expect(slack.received.map((m) => m.body)).toEqual([
      {
        text:
          ":rotating_light: *P0 incident opened* — Service 007 (production) down: reason: unexpected status 503 " +
          "<https://github.com/hotdash/ops/issues/7|issue>\nevidence: TLS handshake failed",
        unfurl_links: false,
        unfurl_media: false,
      },
    ]);
  });

  it("three hundred events are one message within 4,000 characters, ending in …and N more", async () => {
    const slack = await receiver(200);
    const pd = await receiver(202);
    const list = events(300, LONG);
    const sent = await slackAndPagerDuty(slack, pd, {
      routes: { P0: ["slack-emergency"], P1: [], P2: [], P3: [] },
    }).sendBatch(list);
    expect(sent).toEqual(list.map(() => [{ route: "slack-emergency", ok: true }]));
    expect(slack.received).toHaveLength(1);
    const text = String(slack.received[0]!.body.text);
    expect(text.length).toBeLessThanOrEqual(4_000);
    const lines = text.split("\n");
    expect(lines[0]).toBe(":rotating_light: *P0 · 300 incident updates: 300 opened*");
    const shown = lines.filter((l) => l.startsWith("• ")).length;
    expect(shown).toBeGreaterThan(10);
    expect(lines.at(-1)).toBe(`…and ${300 - shown} more`);
  });

  it("the mixed kinds of a run are counted, and hostile text stays inert", async () => {
    const slack = await receiver(200);
    const pd = await receiver(202);
    await slackAndPagerDuty(slack, pd).sendBatch([
      event(1, { summary: "Service 001 down: <!channel> <https://evil.example|click> @here" }),
      event(2, { event: "escalation" }),
      event(3, { event: "resolve" }),
    ]);
    const text = String(slack.received[0]!.body.text);
    expect(text.split("\n")[0]).toBe(":rotating_light: *P0 · 3 incident updates: 1 opened, 1 escalated, 1 resolved*");
    expect(text).not.toMatch(/<!channel>|<https:\/\/evil/);
    expect(text).toContain("&lt;!channel&gt;");
    expect(text.match(/\|issue>/g)).toHaveLength(3);
  });
});

describe("PagerDuty", () => {
  it("one request per dedup key: a key's events in one run collapse to the last; distinct keys stay distinct", async () => {
    const slack = await receiver(200);
    const pd = await receiver(202);
    const list = [
      event(1), // opened in a run that could not announce it, escalated now:
      event(1, { event: "escalation", summary: "Service 001 (production): Escalated to Level 2" }),
      event(2),
      event(3), // opened and already recovered: the resolve is what PagerDuty gets
      event(3, { event: "resolve", summary: "Service 003 (production): Resolved after 10 min" }),
      event(4, { event: "reminder" }),
    ];
    const sent = await slackAndPagerDuty(slack, pd).sendBatch(list);
    expect(pd.received.map((m) => [m.body.event_action, m.body.dedup_key, m.body.payload?.class])).toEqual([
      ["trigger", "service:svc-001", "escalation"],
      ["trigger", "service:svc-002", "open"],
      ["resolve", "service:svc-003", undefined],
      ["trigger", "service:svc-004", "reminder"],
    ]);
    expect(pd.received[0]!.body.payload.summary).toBe("Service 001 (production): Escalated to Level 2");
    // Every event has its deliveries; Slack listed all six in one message.
    expect(sent.map((d) => d.map((x) => `${x.route}:${x.ok}`))).toEqual(
      list.map(() => ["slack-emergency:true", "pagerduty:true"]),
    );
    expect(slack.received).toHaveLength(1);
    expect(
      String(slack.received[0]!.body.text)
        .split("\n")
        .filter((l) => l.startsWith("• ")),
    ).toHaveLength(6);
  });

  it("a PagerDuty that does not answer costs one timeout, not one per key; Slack is sent all the same", async () => {
    const slack = await receiver(200);
    const pd = await receiver(202);
    pd.hang = true;
    const started = Date.now();
    const sent = await slackAndPagerDuty(slack, pd, { timeout: "300ms" }).sendBatch(events(5));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(pd.received).toHaveLength(1);
    expect(sent.map((d) => d[1])).toEqual([
      { route: "pagerduty", ok: false, error: "PagerDuty: request timed out" },
      ...Array.from({ length: 4 }, () => ({
        route: "pagerduty",
        ok: false,
        error: "PagerDuty: request timed out (not tried again this run)",
      })),
    ]);
    expect(sent.map((d) => d[0])).toEqual(events(5).map(() => ({ route: "slack-emergency", ok: true })));
    expect(slack.received).toHaveLength(1);
  });
});

describe("channels", () => {
  it("Discord: one message; the entries carry the issue, location, runbook and rollback links; nothing pings", async () => {
    const r = await receiver(204);
    const c = channelsConfig({
      channels: { discord: { type: "discord", url: "${DISCORD_URL}", username: "HotDash Ops" } },
      routes: { P0: ["discord"], P1: [], P2: [], P3: [] },
    });
    const list = events(3).map((e, i) => (i === 1 ? { ...e, summary: `${e.summary} @everyone <@&123>` } : e));
    expect(await fromConfig(c, { DISCORD_URL: r.url }).sendBatch(list)).toEqual(
      list.map(() => [{ route: "discord", ok: true }]),
    );
    expect(r.received).toHaveLength(1);
    const msg = r.received[0]!.body;
    expect(msg.content).toBe("P0 · 3 incident updates: 3 opened");
    expect(msg.username).toBe("HotDash Ops");
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    const description: string = msg.embeds[0].description;
    expect(description.split("\n").filter((l) => l.startsWith("• "))).toHaveLength(3);
    expect(description).toContain(
      "• **P0 incident opened** — Service 001 (production) down: reason: unexpected status 503 · [issue](https://github.com/hotdash/ops/issues/1)",
    );
    expect(description).toContain(
      "GET https://svc-1.example.test/health · [runbook](https://runbooks.example.test/svc-1)",
    );
    expect(description).toContain("[roll back](https://github.com/hotdash/ops/actions/workflows/rollback.yml)");
    expect(description).not.toContain("token=");
    expect(description).not.toMatch(/@everyone|<@&123>/);
  });

  it("Discord: three hundred events stay within content 2,000, description 4,096 and 6,000 for the embed", async () => {
    const r = await receiver(204);
    const c = channelsConfig({
      channels: { discord: { type: "discord", url: "${DISCORD_URL}" } },
      routes: { P0: ["discord"], P1: [], P2: [], P3: [] },
    });
    await fromConfig(c, { DISCORD_URL: r.url }).sendBatch(events(300, LONG));
    const msg = r.received[0]!.body;
    const embed = msg.embeds[0];
    expect(msg.content.length).toBeLessThanOrEqual(2_000);
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.description.length).toBeLessThanOrEqual(4_096);
    expect(embed.title.length + embed.description.length).toBeLessThanOrEqual(6_000);
    const lines: string[] = embed.description.split("\n");
    const shown = lines.filter((l) => l.startsWith("• ")).length;
    expect(lines.at(-1)).toBe(`…and ${300 - shown} more`);
  });

  it("Teams: one card with a container per event; three hundred stay under the card limit", async () => {
    const r = await receiver(202);
    const c = channelsConfig({
      channels: { teams: { type: "teams", url: "${TEAMS_URL}" } },
      routes: { P0: ["teams"], P1: [], P2: [], P3: [] },
    });
    const n = fromConfig(c, { TEAMS_URL: r.url });
    await n.sendBatch(events(3));
    const card = r.received[0]!.body.attachments[0].content;
    expect(card.body[0]).toMatchObject({ text: "P0 · 3 incident updates: 3 opened", color: "Attention" });
    const containers = card.body.filter((b: { type: string }) => b.type === "Container");
    expect(containers).toHaveLength(3);
    const facts = Object.fromEntries(
      containers[0].items[2].facts.map((f: { title: string; value: string }) => [f.title, f.value]),
    );
    expect(facts).toMatchObject({
      Issue: "https://github.com/hotdash/ops/issues/1",
      Runbook: "https://runbooks.example.test/svc-1",
      Location: "GET https://svc-1.example.test/health",
    });

    await n.sendBatch(events(300, LONG));
    const big = r.received[1]!.body;
    expect(Buffer.byteLength(JSON.stringify(big))).toBeLessThanOrEqual(24_000);
    const body = big.attachments[0].content.body;
    const shown = body.filter((b: { type: string }) => b.type === "Container").length;
    expect(body.at(-1)).toMatchObject({ type: "TextBlock", text: `…and ${300 - shown} more` });
  });

  it("email: one mail listing every event, each value on its own line, no header injection", async () => {
    const peer = await smtp();
    const c = channelsConfig({
      channels: {
        mail: {
          type: "email",
          host: "127.0.0.1",
          port: peer.port,
          tls: "none",
          from: "ops@example.test",
          to: ["oncall@example.test"],
        },
      },
      routes: { P0: ["mail"], P1: [], P2: [], P3: [] },
    });
    const list = events(20);
    list[4] = { ...list[4]!, summary: "Service 005 down\r\nBcc: evil@example.test" };
    expect(await fromConfig(c, {}).sendBatch(list)).toEqual(list.map(() => [{ route: "mail", ok: true }]));
    expect(peer.messages).toHaveLength(1);
    const mail = readMail(peer.messages[0]!.raw);
    expect(mail.headers).toContain("Subject: [P0] 20 incident updates: 20 opened");
    expect(mail.headers).not.toMatch(/^Bcc:/im);
    for (const e of list) expect(mail.text).toContain(`(${e.key})`);
    // The CR/LF became a space: the hostile summary is one line of its entry.
    expect(mail.text).toMatch(/^Service 005 down Bcc: evil@\u200Dexample\.test$/m);
    expect(mail.text).not.toMatch(/^Bcc:/m);
    expect(mail.text).toContain("Issue: https://github.com/hotdash/ops/issues/20");
  });

  it("a generic webhook gets one POST per event in its template's shape; a dead one is tried once", async () => {
    const r = await receiver(200);
    const dead = await receiver(200);
    dead.hang = true;
    const c = channelsConfig({
      channels: {
        hook: { type: "webhook", url: "${HOOK_URL}", body: '{"text": "{{severity}} {{name}} {{event}}"}' },
        dead: { type: "webhook", url: "${DEAD_URL}" },
      },
      routes: { P0: ["hook", "dead"], P1: [], P2: [], P3: [] },
      timeout: "300ms",
    });
    const sent = await fromConfig(c, { HOOK_URL: r.url, DEAD_URL: dead.url }).sendBatch(events(3));
    expect(r.received.map((m) => m.body)).toEqual([
      { text: "P0 Service 001 open" },
      { text: "P0 Service 002 open" },
      { text: "P0 Service 003 open" },
    ]);
    expect(dead.received).toHaveLength(1);
    expect(sent.map((d) => d.map((x) => x.error ?? "ok"))).toEqual([
      ["ok", "webhook (dead): request timed out"],
      ["ok", "webhook (dead): request timed out (not tried again this run)"],
      ["ok", "webhook (dead): request timed out (not tried again this run)"],
    ]);
  });
});

describe("the dry-run notifier", () => {
  it("prints one line per route, listing the keys; a route with one event prints the event as before", async () => {
    const lines: string[] = [];
    const config = Notifications.parse({
      channels: { hook: { type: "webhook", url: "${HOOK_URL}" } },
      routes: { P0: ["slack-emergency", "pagerduty", "hook"], P1: [], P2: ["slack-alerts"], P3: [] },
    });
    const list = [event(1), event(1, { event: "resolve" }), event(2), event(3, { severity: "P2" })];
    const sent = await printingNotifier((l) => lines.push(l), config).sendBatch(list);
    expect(lines).toEqual([
      "[dry-run] notify slack-emergency: one message for 3 events: open P0 service:svc-001, resolve P0 service:svc-001, open P0 service:svc-002",
      "[dry-run] notify pagerduty: 2 requests, one per dedup key: resolve service:svc-001, trigger service:svc-002",
      "[dry-run] notify hook: 3 requests, one per event: open P0 service:svc-001, resolve P0 service:svc-001, open P0 service:svc-002",
      "[dry-run] notify slack-alerts: open P2 Service 003 (production) down: reason: unexpected status 503",
    ]);
    expect(sent.map((d) => d.map((x) => x.route))).toEqual([
      ["slack-emergency", "pagerduty", "hook"],
      ["slack-emergency", "pagerduty", "hook"],
      ["slack-emergency", "pagerduty", "hook"],
      ["slack-alerts"],
    ]);
  });
});
