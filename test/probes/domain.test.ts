import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { DomainProbe, OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { evaluate } from "../../actions/shared/evaluate/index.ts";
import { domainKind } from "../../actions/shared/probe/domain.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import { startRdapServer, type RdapServer } from "../../emulators/rdap.ts";
import { opts } from "../probe/helpers.ts";
import { startHttp, type TestServer } from "../probe/server.ts";

const NOW = new Date("2026-11-22T16:00:00Z");
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);
let rdap: RdapServer;
let html: TestServer;

beforeAll(async () => {
  rdap = await startRdapServer({
    "hotdash.app": { expires: days(200.5), registered: new Date("2024-03-01T00:00:00Z") },
    "hotdash.dev": { expires: days(20.2) },
    "hotdash.shop": { expires: days(-3), status: ["redemption period"] },
    "hotdash.io": {},
  });
  html = await startHttp((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>parked</html>"));
});
afterAll(async () => {
  await Promise.all([rdap?.close(), html?.close()]);
});

const probe = (domain: string, rdapUrl = rdap.url) => DomainProbe.parse({ type: "domain", domain, rdapUrl });
const at = () => ({ clock: manualClock(NOW) });

describe("domain probe against a loopback RDAP bootstrap and registry", () => {
  it("follows the bootstrap redirect, asks for RDAP JSON and reads whole days to the expiration event", async () => {
    rdap.requests.length = 0;
    const s = await domainKind(probe("HotDash.app."), opts(), at());
    expect(s).toMatchObject({ ok: true, value: 200, statusCode: 200 });
    expect(rdap.requests.map((r) => r.path)).toEqual(["/domain/hotdash.app", "/registry/domain/hotdash.app"]);
    expect(rdap.requests[0]!.accept).toContain("application/rdap+json");
  });

  it("a name the registry does not know, a redemption status, and no expiration event", async () => {
    expect((await domainKind(probe("nobody.example"), opts(), at())).failure).toMatchObject({
      kind: "assertion",
      assertion: "RDAP knows nobody.example",
      found: expect.stringContaining("404"),
    });
    const lapsed = await domainKind(probe("hotdash.shop"), opts(), at());
    expect(lapsed).toMatchObject({ ok: false, value: -3, failure: { kind: "assertion", found: "redemption period" } });
    expect((await domainKind(probe("hotdash.io"), opts(), at())).failure).toEqual({
      kind: "no-data",
      detail: "the registry publishes no expiration event for hotdash.io",
    });
  });

  it("a 429 is throttled with the retry hint; a non-RDAP answer is a protocol failure", async () => {
    rdap.throttle(1, 30);
    const s = await domainKind(probe("hotdash.app"), opts(), at());
    expect(s).toMatchObject({
      ok: true,
      throttled: { status: 429, retryAfterMs: 30_000 },
      warning: "throttled: the RDAP server answered 429 (retry after 30 s)",
    });
    const notRdap = await domainKind(probe("hotdash.app", html.url), opts(), at());
    expect(notRdap.failure).toMatchObject({ kind: "invalid-json" });
  });

  it("through the engine and the evaluation: day thresholds like certificates", async () => {
    const config = OpsConfig.parse({
      defaults: { samples: 1, confirmWindow: 0 },
      services: ["hotdash.app", "hotdash.dev", "hotdash.shop"].map((domain) => ({
        id: domain.replace(".", "-"),
        name: domain,
        probe: { type: "domain", domain, rdapUrl: rdap.url },
        thresholds: { value: { yellow: 30, red: 7, direction: "below", unit: "days" } },
      })),
    });
    const results = await probeFleet({ config, clock: manualClock(NOW), env: {}, redactor: createRedactor() });
    const { latest } = evaluate({ config, results, now: NOW, run: { startedAt: NOW, finishedAt: NOW } });
    expect(latest.services["hotdash-app"]).toMatchObject({ status: "up" });
    expect(latest.services["hotdash-dev"]).toMatchObject({ status: "degraded", reason: "value 20 days < 30 days" });
    expect(latest.services["hotdash-shop"]).toMatchObject({ status: "down" });
  });
});
