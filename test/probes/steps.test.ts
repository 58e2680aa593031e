/**
 * The steps probe against a loopback Chatwoot + Agent SDK lookalike: the launch checklist's
 * "Webhook test: send test message, verify receipt" and "Test approval flow".
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig, StepsProbe } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { errorsOf } from "../../actions/shared/config/test-yaml.ts";
import { evaluate } from "../../actions/shared/evaluate/index.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import { describeFailure } from "../../actions/shared/probe/result.ts";
import { stepsKind } from "../../actions/shared/probe/steps.ts";
import { deps, opts, T0 } from "../probe/helpers.ts";
import { closedAfterEach, startHttp, type TestServer } from "../probe/server.ts";

const serve = closedAfterEach();
const TOKEN = "chatwoot-api-token";

interface World {
  server: TestServer;
  messages: Map<number, { content: string; deleted: boolean }>;
  received: Set<number>;
  /** Webhook deliveries to the agent are dropped (the failure the check exists for). */
  dropWebhooks: boolean;
  /** The verify endpoint hangs (a timeout in step 2). */
  hangVerify: boolean;
  log: string[];
}

async function chatwootAndAgent(): Promise<World> {
  const world = {
    messages: new Map(),
    received: new Set(),
    dropWebhooks: false,
    hangVerify: false,
    log: [],
  } as unknown as World;
  let next = 100;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  const read = async (req: IncomingMessage) => {
    let text = "";
    for await (const c of req) text += c;
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  world.server = await serve(
    startHttp(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      world.log.push(`${req.method} ${url.pathname}${url.search}`);
      if (url.pathname.startsWith("/api/") && req.headers.api_access_token !== TOKEN)
        return json(res, 401, { error: "Invalid Access Token" });
      let m;
      if (req.method === "POST" && url.pathname === "/api/v1/accounts/1/conversations/7/messages") {
        const body = await read(req);
        const id = next++;
        world.messages.set(id, { content: String(body.content), deleted: false });
        if (!world.dropWebhooks) world.received.add(id);
        return json(
          res,
          200,
          { id, content: body.content, message_type: "incoming" },
          { location: `/api/v1/accounts/1/conversations/7/messages/${id}` },
        );
      }
      if (req.method === "GET" && url.pathname === "/agent/webhooks/received") {
        if (world.hangVerify) return; // never answers
        const id = Number(url.searchParams.get("message_id"));
        return json(res, 200, { message_id: id, received: world.received.has(id) });
      }
      if (
        req.method === "DELETE" &&
        (m = /^\/api\/v1\/accounts\/1\/conversations\/7\/messages\/(\d+)$/.exec(url.pathname))
      ) {
        const msg = world.messages.get(Number(m[1]));
        if (!msg) return json(res, 404, { error: "not found" });
        msg.deleted = true;
        return json(res, 200, { id: Number(m[1]) });
      }
      if (req.method === "POST" && url.pathname === "/auth/session")
        return json(res, 200, { token: "sess-9f8e7d6c5b4a" });
      if (req.method === "GET" && url.pathname === "/agent/whoami") {
        const session = req.headers["x-session"] ?? String(req.headers.authorization).replace("Bearer ", "");
        return json(res, 403, { error: `session ${String(session)} may not read this` });
      }
      json(res, 404, { error: "no route" });
    }),
  );
  return world;
}

let world: World;
beforeEach(async () => {
  world = await chatwootAndAgent();
});

const webhookTest = (base: string, extra: Record<string, unknown> = {}) =>
  StepsProbe.parse({
    type: "steps",
    steps: [
      {
        name: "send test message",
        method: "POST",
        url: `${base}/api/v1/accounts/1/conversations/7/messages`,
        headers: { api_access_token: TOKEN },
        body: '{"content": "hotdash-ops webhook test", "message_type": "incoming", "private": false}',
        expect: { status: [200], json: [{ path: "message_type", equals: "incoming" }] },
        extract: { messageId: { json: "id" }, location: { header: "Location" } },
      },
      {
        name: "verify receipt",
        url: `${base}/agent/webhooks/received?message_id={{messageId}}`,
        expect: { json: [{ path: "received", equals: true }] },
      },
    ],
    cleanup: [
      {
        name: "delete test message",
        method: "DELETE",
        url: `${base}{{location}}`,
        headers: { api_access_token: TOKEN },
      },
    ],
    ...extra,
  });

describe("steps probe: send a test message, verify receipt", () => {
  it("passes, carrying values between steps, and always cleans up", async () => {
    const s = await stepsKind(webhookTest(world.server.url), opts(), deps());
    expect(s).toMatchObject({ ok: true, statusCode: 200 });
    expect(s.warning).toBeUndefined();
    expect(world.log).toEqual([
      "POST /api/v1/accounts/1/conversations/7/messages",
      "GET /agent/webhooks/received?message_id=100",
      "DELETE /api/v1/accounts/1/conversations/7/messages/100",
    ]);
    expect(world.messages.get(100)).toMatchObject({ deleted: true });
  });

  it("a receipt that never came fails the verify step by name; cleanup still runs", async () => {
    world.dropWebhooks = true;
    const s = await stepsKind(webhookTest(world.server.url), opts(), deps());
    expect(s.failure).toEqual({
      kind: "assertion",
      assertion: "json received equals",
      expected: "true",
      found: "false",
      step: "verify receipt",
    });
    expect(describeFailure(s.failure!)).toBe(
      'step "verify receipt": assertion json received equals failed: expected true, found false',
    );
    expect(world.messages.get(100)).toMatchObject({ deleted: true });
  });

  it("a step that times out ends the check at the sample's timeout; cleanup still runs on its own deadline", async () => {
    world.hangVerify = true;
    const s = await stepsKind(webhookTest(world.server.url), opts({ timeoutMs: 400 }), deps());
    expect(s.failure).toMatchObject({ kind: "timeout", step: "verify receipt" });
    expect(world.messages.get(100)).toMatchObject({ deleted: true });
  });

  it("a refused token on the first step is auth (unknown); cleanup that cannot run is skipped, and says so", async () => {
    const probe = webhookTest(world.server.url);
    probe.steps[0]!.headers = { api_access_token: "rotated" };
    const s = await stepsKind(probe, opts(), deps());
    expect(s.failure).toMatchObject({ kind: "auth", status: 401, step: "send test message" });
    expect(s.warning).toBe('cleanup "delete test message" skipped: {{location}} never extracted');
  });

  it("a failing cleanup is a warning on a passing check", async () => {
    const probe = webhookTest(world.server.url, {
      cleanup: [
        {
          name: "delete twice",
          method: "DELETE",
          url: `${world.server.url}/api/v1/accounts/1/conversations/7/messages/999`,
          headers: { api_access_token: TOKEN },
        },
      ],
    });
    const s = await stepsKind(probe, opts(), deps());
    expect(s).toMatchObject({
      ok: true,
      warning: 'cleanup "delete twice" failed: unexpected status 404 (expected 2xx)',
    });
  });

  it("an extracted value marked secret never appears in a failure", async () => {
    const base = world.server.url;
    const probe = StepsProbe.parse({
      type: "steps",
      steps: [
        {
          name: "log in",
          method: "POST",
          url: `${base}/auth/session`,
          body: "{}",
          extract: { session: { json: "token", secret: true } },
        },
        {
          name: "who am I",
          url: `${base}/agent/whoami`,
          headers: { Authorization: "Bearer {{session}}" },
          expect: { status: [200] },
        },
        { name: "never", url: `${base}/agent/whoami` },
      ],
    });
    const s = await stepsKind(probe, opts(), deps());
    expect(s.failure).toMatchObject({ kind: "auth", status: 403, step: "who am I" });
    const probe2 = StepsProbe.parse({
      ...probe,
      steps: [
        probe.steps[0],
        {
          ...probe.steps[1],
          headers: { "X-Session": "{{session}}" },
          expect: { status: [403], json: [{ path: "error", equals: "ok" }] },
        },
      ],
    });
    const t = await stepsKind(probe2, opts(), deps());
    expect(t.failure).toMatchObject({ kind: "assertion", found: '"session *** may not read this"' });
    expect(JSON.stringify(t)).not.toContain("sess-9f8e7d6c5b4a");
  });
});

describe("steps through the engine, with ${SECRET}s", () => {
  it("records up, and the resolved token appears nowhere", async () => {
    const probe = webhookTest(world.server.url);
    for (const step of [...probe.steps, ...probe.cleanup])
      if (step.headers.api_access_token) step.headers.api_access_token = "${CHATWOOT_API_TOKEN}";
    const config = OpsConfig.parse({
      defaults: { samples: 1, confirmWindow: 0 },
      services: [{ id: "webhook-test", name: "Webhook test", probe }],
    });
    const now = new Date(T0);
    const results = await probeFleet({
      config,
      clock: manualClock(now),
      env: { CHATWOOT_API_TOKEN: TOKEN },
      redactor: createRedactor(),
    });
    const { latest } = evaluate({ config, results, now, run: { startedAt: now, finishedAt: now } });
    expect(latest.services["webhook-test"]).toMatchObject({ status: "up" });
    expect(JSON.stringify({ results, latest })).not.toContain(TOKEN);
  });
});

describe("ops validate: steps", () => {
  it("a value used before it is extracted, one never extracted, one extracted twice", () => {
    const yaml = `services:
  - id: flow
    name: Flow
    probe:
      type: steps
      steps:
        - { name: a, url: "https://x.dev/{{later}}", extract: { id: { json: id } } }
        - { name: b, url: "https://x.dev/{{id}}/{{nope}}", extract: { later: { header: Location }, id: { json: "x..y" } } }
      cleanup:
        - { name: c, method: DELETE, url: "https://x.dev/{{ghost}}" }
`;
    const errors = errorsOf(yaml).map((e) => `${e.path}: ${e.message}`);
    expect(errors).toEqual([
      expect.stringMatching(
        /^services\[0\]\.probe\.steps\[0\]\.url: expected \{\{later\}\} extracted by an earlier step, found \{\{later\}\} \(nothing extracted before\) — a step can only use values extracted by the steps before it$/,
      ),
      expect.stringMatching(
        /^services\[0\]\.probe\.steps\[1\]\.url: expected \{\{nope\}\} extracted by an earlier step.*add extract: \{ nope: \{ json: PATH \} \} to an earlier step$/,
      ),
      'services[0].probe.steps[1].extract.id: expected a name not extracted before (step "a" extracts it), found "id"',
      expect.stringMatching(/^services\[0\]\.probe\.steps\[1\]\.extract\.id\.json: expected a JSON path/),
      expect.stringMatching(
        /^services\[0\]\.probe\.cleanup\[0\]\.url: expected \{\{ghost\}\} extracted by an earlier step/,
      ),
    ]);
  });
});
