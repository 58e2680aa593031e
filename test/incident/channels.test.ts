import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig, type OpsConfigInput } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { notifierFromConfig } from "../../actions/incident/notify/from-config.ts";
import type { IncidentEvent } from "../../actions/incident/notify/index.ts";
import { makeTestCertificates } from "../servers/tls.ts";
import { createWorld, MIN, type World } from "./harness.ts";
import { peersPerTest } from "./peers.ts";
import { readMail } from "./smtp.ts";

/**
 * The channels of issue 12 §5 against real peers on loopback: HTTP receivers standing in for a
 * generic webhook, Teams and Discord, and a real SMTP server (smtp-server). Each message must carry
 * the evidence; a channel that hangs or fails must not hold back the others or the issue work.
 */
const { receiver, smtp } = peersPerTest();

const HOSTILE =
  'expected "ok" at $.status, found "down\\"}"; status codes: 503\n{{severity}} <@&123> @everyone \r\n.\r\nRCPT TO:<evil@example.test>';

const event = (over: Partial<IncidentEvent> = {}): IncidentEvent => ({
  event: "open",
  key: "service:chatwoot",
  severity: "P0",
  summary: "Chatwoot (production) down: reason: unexpected status 503",
  source: "chatwoot",
  environment: "production",
  url: "https://github.com/hotdash/ops/issues/7",
  details: { status: "down", evidence: HOSTILE, startedAt: "2026-11-22T16:00:00.000Z", issue: "#7" },
  ...over,
});

function config(notifications: OpsConfigInput["notifications"]): OpsConfig {
  return OpsConfig.parse({
    services: [
      {
        id: "chatwoot",
        name: "Chatwoot",
        criticality: "critical",
        probe: { type: "http", url: "https://user:pw@chatwoot.example.test/api?token=${CHATWOOT_TOKEN}" },
        rollback: { provider: "fly", app: "hotdash-chatwoot" },
        runbook: "https://runbooks.example.test/chatwoot",
      },
      { id: "ga", name: "Google Analytics", probe: { type: "http", url: "https://ga.example.test/" } },
    ],
    notifications,
  });
}

const ENV = { GITHUB_REPOSITORY: "hotdash/ops", GITHUB_SERVER_URL: "https://github.com" };
const build = (c: OpsConfig, env: Record<string, string>) =>
  notifierFromConfig({
    config: c,
    env: { ...ENV, ...env },
    redactor: createRedactor(),
    dryRun: false,
    print: () => {},
    clock: manualClock("2026-11-22T16:05:00Z"),
  });

/** The evidence every message must carry, whatever its shape. */
function expectEvidence(text: string) {
  expect(text).toContain("https://github.com/hotdash/ops/issues/7");
  expect(text).toContain("https://runbooks.example.test/chatwoot");
  expect(text).toContain("https://github.com/hotdash/ops/actions/workflows/rollback.yml");
  expect(text).toContain("GET https://chatwoot.example.test/api"); // the location, without query or credentials
  expect(text).not.toContain("user:pw");
  expect(text).toContain("status codes: 503");
}

describe("generic webhook", () => {
  it("fills the template with JSON-escaped values, sends the headers, carries the evidence", async () => {
    const r = await receiver(200);
    const c = config({
      channels: {
        hook: {
          type: "webhook",
          url: "${HOOK_URL}",
          headers: { Authorization: "Bearer ${HOOK_TOKEN}" },
          body: '{"text": "{{severity}} {{service}} is {{status}}: {{reason}}", "links": ["{{issueUrl}}", "{{runbookUrl}}", "{{rollbackUrl}}"], "where": "{{location}}", "n": 1}',
        },
      },
      routes: { P0: ["hook"], P1: [], P2: [], P3: [] },
    });
    const deliveries = await build(c, { HOOK_URL: `${r.url}/hook`, HOOK_TOKEN: "tok-0123456789" })
      .sendBatch([event()])
      .then(([d]) => d!);
    expect(deliveries).toEqual([{ route: "hook", ok: true }]);
    const body = r.received[0]!.body;
    // The hostile reason stays inside its string: the body parsed, and the value is exact.
    expect(body.text).toBe(`P0 chatwoot is down: ${HOSTILE}`);
    expect(body.n).toBe(1);
    expect(body.links).toEqual([
      "https://github.com/hotdash/ops/issues/7",
      "https://runbooks.example.test/chatwoot",
      "https://github.com/hotdash/ops/actions/workflows/rollback.yml",
    ]);
    expect(body.where).toBe("GET https://chatwoot.example.test/api");
    expect(r.headers[0]!.authorization).toBe("Bearer tok-0123456789");
    expect(r.headers[0]!["content-type"]).toBe("application/json");
  });

  it("without a template sends every fact as a field", async () => {
    const r = await receiver(202);
    const c = config({
      channels: { hook: { type: "webhook", url: "${HOOK_URL}" } },
      routes: { P0: ["hook"], P1: [], P2: [], P3: [] },
    });
    await build(c, { HOOK_URL: r.url })
      .sendBatch([event()])
      .then(([d]) => d!);
    const body = r.received[0]!.body;
    expect(body).toMatchObject({
      event: "open",
      key: "service:chatwoot",
      service: "chatwoot",
      name: "Chatwoot",
      severity: "P0",
      status: "down",
      reason: HOSTILE,
      time: "2026-11-22T16:05:00.000Z",
    });
    expectEvidence(JSON.stringify(body));
  });
});

describe("Microsoft Teams", () => {
  it("posts an Adaptive Card with the facts and link buttons", async () => {
    const r = await receiver(202); // Workflows answers 202 Accepted
    const c = config({
      channels: { teams: { type: "teams", url: "${TEAMS_URL}" } },
      routes: { P0: ["teams"], P1: [], P2: [], P3: [] },
    });
    expect(
      await build(c, { TEAMS_URL: r.url })
        .sendBatch([event()])
        .then(([d]) => d!),
    ).toEqual([{ route: "teams", ok: true }]);
    const msg = r.received[0]!.body;
    expect(msg.type).toBe("message");
    const card = msg.attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.content.body[0]).toMatchObject({
      type: "TextBlock",
      text: "P0 incident opened: Chatwoot (production) down",
      color: "Attention",
    });
    const facts = Object.fromEntries(
      card.content.body[2].facts.map((f: { title: string; value: string }) => [f.title, f.value]),
    );
    expect(facts).toMatchObject({ Severity: "P0", Status: "down", Evidence: HOSTILE });
    expect(card.content.actions.map((a: { title: string }) => a.title)).toEqual([
      "Open the issue",
      "Runbook",
      "Roll back",
    ]);
    expectEvidence(JSON.stringify(msg));
  });
});

describe("Discord", () => {
  it("posts an embed with allowed_mentions parse [] so no text can ping", async () => {
    const r = await receiver(204); // Discord answers 204 No Content
    const c = config({
      channels: { discord: { type: "discord", url: "${DISCORD_URL}", username: "HotDash Ops" } },
      routes: { P0: ["discord"], P1: [], P2: [], P3: [] },
    });
    expect(
      await build(c, { DISCORD_URL: r.url })
        .sendBatch([event()])
        .then(([d]) => d!),
    ).toEqual([{ route: "discord", ok: true }]);
    const msg = r.received[0]!.body;
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    expect(msg.username).toBe("HotDash Ops");
    expect(msg.embeds[0].url).toBe("https://github.com/hotdash/ops/issues/7");
    expect(msg.embeds[0].fields.find((f: { name: string }) => f.name === "Evidence").value).toBe(HOSTILE);
    expectEvidence(JSON.stringify(msg));
  });

  it("cuts long values to Discord's limits", async () => {
    const r = await receiver(204);
    const c = config({
      channels: { discord: { type: "discord", url: "${DISCORD_URL}" } },
      routes: { P0: ["discord"], P1: [], P2: [], P3: [] },
    });
    await build(c, { DISCORD_URL: r.url }).sendBatch([
      event({ summary: "s".repeat(10_000), details: { status: "down", evidence: "e".repeat(5_000) } }),
    ]);
    const embed = r.received[0]!.body.embeds[0];
    expect(embed.description.length).toBe(4_096);
    expect(embed.fields.find((f: { name: string }) => f.name === "Evidence").value.length).toBe(1_024);
  });
});

describe("email over SMTP (a real smtp-server on loopback)", () => {
  it("logs in, sends one message with the evidence, and cannot be made to inject headers or end the data early", async () => {
    const peer = await smtp({ auth: { user: "ops-mailer", pass: "smtp-pass-0123456789" } });
    const c = config({
      channels: {
        mail: {
          type: "email",
          host: "127.0.0.1",
          port: peer.port,
          tls: "none",
          username: "${SMTP_USER}",
          password: "${SMTP_PASS}",
          from: "HotDash Ops <ops@example.test>",
          to: ["oncall@example.test", "lead@example.test"],
        },
      },
      routes: { P0: ["mail"], P1: [], P2: [], P3: [] },
    });
    const n = build(c, { SMTP_USER: "ops-mailer", SMTP_PASS: "smtp-pass-0123456789" });
    const deliveries = await n
      .sendBatch([event({ source: "chatwoot", summary: "Chatwoot down\r\nBcc: evil@example.test" })])
      .then(([d]) => d!);
    expect(deliveries).toEqual([{ route: "mail", ok: true }]);
    expect(peer.messages).toHaveLength(1);
    const m = peer.messages[0]!;
    expect(m.user).toBe("ops-mailer");
    expect(m.to).toEqual(["oncall@example.test", "lead@example.test"]);
    const mail = readMail(m.raw);
    expect(mail.headers).toContain("Subject: [P0] P0 incident opened: Chatwoot (production) down");
    expect(mail.headers).not.toMatch(/^Bcc:/im);
    expect(mail.text).toContain("RCPT TO:<evil@example.test>"); // the hostile reason arrived as text, whole
    expectEvidence(mail.text);
  });

  it("upgrades with STARTTLS when required, and refuses a server that cannot", async () => {
    const certs = await makeTestCertificates();
    const tlsPeer = await smtp({ tls: certs.valid });
    const plainPeer = await smtp();
    const mail = (port: number) => ({
      type: "email" as const,
      host: "127.0.0.1",
      port,
      tls: "starttls" as const,
      ca: certs.ca.cert,
      from: "ops@example.test",
      to: ["oncall@example.test"],
    });
    const c = config({
      channels: { secure: mail(tlsPeer.port), plain: mail(plainPeer.port) },
      routes: { P0: ["secure", "plain"], P1: [], P2: [], P3: [] },
      timeout: "2s",
    });
    const [secure, plain] = await build(c, {})
      .sendBatch([event()])
      .then(([d]) => d!);
    expect(secure).toEqual({ route: "secure", ok: true });
    expect(tlsPeer.secure).toEqual([true]);
    expect(plain!.ok).toBe(false);
    expect(plain!.error).toMatch(/^email \(plain\): not sent/);
    expect(plainPeer.messages).toEqual([]);
  });

  it("a wrong password is a failed delivery naming the channel, never the password", async () => {
    const peer = await smtp({ auth: { user: "ops", pass: "right-password-123" } });
    const c = config({
      channels: {
        mail: {
          type: "email",
          host: "127.0.0.1",
          port: peer.port,
          tls: "none",
          username: "ops",
          password: "${SMTP_PASS}",
          from: "ops@example.test",
          to: ["oncall@example.test"],
        },
      },
      routes: { P0: ["mail"], P1: [], P2: [], P3: [] },
    });
    const [d] = await build(c, { SMTP_PASS: "wrong-password-456" })
      .sendBatch([event()])
      .then(([d]) => d!);
    expect(d!.ok).toBe(false);
    expect(d!.error).toMatch(/^email \(mail\): not sent \(EAUTH 535\)/);
    expect(d!.error).not.toContain("wrong-password-456");
  });
});

describe("a failing channel never blocks the others", () => {
  it("one hangs, one answers 500, one lacks its secret: the rest deliver, bounded by the timeout", async () => {
    const hung = await receiver(200);
    hung.hang = true;
    const broken = await receiver(500);
    const discord = await receiver(204);
    const slack = await receiver(200);
    const peer = await smtp();
    const c = config({
      slack: { emergency: "${SLACK_URL}" },
      channels: {
        hung: { type: "webhook", url: "${HUNG_URL}" },
        teams: { type: "teams", url: "${TEAMS_URL}" },
        discord: { type: "discord", url: "${DISCORD_URL}" },
        mail: {
          type: "email",
          host: "127.0.0.1",
          port: peer.port,
          tls: "none",
          from: "ops@example.test",
          to: ["oncall@example.test"],
        },
        unset: { type: "discord", url: "${NOT_SET}" },
      },
      routes: { P0: ["hung", "teams", "slack-emergency", "discord", "mail", "unset"], P1: [], P2: [], P3: [] },
      timeout: "400ms",
    });
    const n = build(c, { HUNG_URL: hung.url, TEAMS_URL: broken.url, DISCORD_URL: discord.url, SLACK_URL: slack.url });
    const started = Date.now();
    const deliveries = await n.sendBatch([event()]).then(([d]) => d!);
    const elapsed = Date.now() - started;
    expect(deliveries.map((d) => [d.route, d.ok])).toEqual([
      ["hung", false],
      ["teams", false],
      ["slack-emergency", true],
      ["discord", true],
      ["mail", true],
      ["unset", false],
    ]);
    expect(deliveries[0]!.error).toBe("webhook (hung): request timed out");
    expect(deliveries[1]!.error).toMatch(/^Teams \(teams\): answered 500/);
    expect(deliveries[5]!.error).toBe("unset not sent: missing secret NOT_SET");
    expect(discord.received).toHaveLength(1);
    expect(peer.messages).toHaveLength(1);
    // Slack carries the evidence too (location, runbook, rollback).
    expectEvidence(slack.received[0]!.body.text.replace(/\|runbook>|\|roll back>/g, " "));
    // Cut by the route timeout (400 ms), not the hung peer: far below the guard's 2.4 s.
    expect(elapsed).toBeLessThan(2_400);
  });
});

describe("the issue work goes on while channels fail", () => {
  let w: World;
  afterEach(async () => {
    expect(w.gh.violations.splice(0)).toEqual([]);
    await w.close();
  });

  it("the incident issue opens and the failure is in the run's errors", async () => {
    w = await createWorld();
    const hung = await receiver(200);
    hung.hang = true;
    const cfg = OpsConfig.parse({
      ...w.config,
      notifications: {
        channels: { hung: { type: "webhook", url: "${HUNG_URL}" } },
        routes: { P0: ["hung"], P1: ["hung"], P2: [], P3: [] },
        timeout: "300ms",
      },
    });
    const notifier = notifierFromConfig({
      config: cfg,
      env: { HUNG_URL: hung.url },
      redactor: w.redactor,
      dryRun: false,
      print: () => {},
      clock: w.clock,
    });
    w.set("chatwoot", "down", "unexpected status 503");
    w.clock.advance(5 * MIN);
    const result = await w.run({ notifier });
    expect(w.openIssues()).toHaveLength(1);
    expect(result.warnings.join("\n")).toContain("notification hung failed: webhook (hung): request timed out");
    expect(hung.received).toHaveLength(1);
  });
});
