import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { GoogleAnalyticsProbe, OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { evaluate } from "../../actions/shared/evaluate/index.ts";
import { probeFleet } from "../../actions/shared/probe/engine.ts";
import { createGoogleAnalyticsProbe } from "../../actions/shared/probe/google-analytics.ts";
import { createTokenCache } from "../../actions/shared/probe/google/token.ts";
import { startGoogleEmulator, type GoogleEmulator } from "../../emulators/google.ts";
import { opts } from "../probe/helpers.ts";

const T0 = new Date("2026-11-22T16:00:00Z");
const EMAIL = "hotdash-ops@hotdash-analytics.iam.gserviceaccount.com";
const PROPERTY = "312345678";
const pair = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const mine = pair();
const stranger = pair();
let clock = manualClock(T0);
let google: GoogleEmulator;

const keyJson = (privateKey = mine.privateKey, email = EMAIL) =>
  JSON.stringify({
    type: "service_account",
    project_id: "hotdash-analytics",
    private_key_id: "k1",
    private_key: privateKey,
    client_email: email,
    token_uri: google.tokenUrl,
  });

beforeAll(async () => {
  google = await startGoogleEmulator({
    accounts: { [EMAIL]: { publicKey: mine.publicKey, properties: [PROPERTY] } },
    now: () => clock.now(),
  });
});
afterAll(async () => {
  await google?.close();
});

const probe = (extra: Record<string, unknown> = {}) =>
  GoogleAnalyticsProbe.parse({
    type: "google-analytics",
    property: PROPERTY,
    serviceAccount: keyJson(),
    apiUrl: google.apiUrl,
    ...extra,
  });

describe("google-analytics probe: service account → token → runReport", () => {
  it("signs a JWT the token endpoint verifies, caches the token for the run, and renews it before it expires", async () => {
    clock = manualClock(T0);
    const kind = createGoogleAnalyticsProbe(createTokenCache());
    const before = google.issued();
    expect(await kind(probe(), opts(), { clock })).toMatchObject({ ok: true, statusCode: 200 });
    expect(await kind(probe(), opts(), { clock })).toMatchObject({ ok: true });
    expect(google.issued() - before).toBe(1);
    expect(google.claims.at(-1)).toMatchObject({
      iss: EMAIL,
      aud: google.tokenUrl,
      scope: "https://www.googleapis.com/auth/analytics.readonly",
      iat: T0.getTime() / 1000,
      exp: T0.getTime() / 1000 + 3600,
    });
    clock.advance(59 * 60_000); // within a minute of expiry: a new token
    expect(await kind(probe(), opts(), { clock })).toMatchObject({ ok: true });
    expect(google.issued() - before).toBe(2);
  });

  it("reads a property quota as the percentage consumed", async () => {
    clock = manualClock(T0);
    google.setQuota(PROPERTY, "tokensPerHour", 3_599, 36_401);
    const s = await createGoogleAnalyticsProbe(createTokenCache())(probe({ quota: "tokensPerHour" }), opts(), {
      clock,
    });
    expect(s).toMatchObject({ ok: true, value: 9 }); // 3,600 of 40,000 after this call
    const none = await createGoogleAnalyticsProbe(createTokenCache())(probe({ quota: "tokensPerDay" }), opts(), {
      clock,
    });
    expect(none).toMatchObject({ ok: true, warning: "the answer has no propertyQuota.tokensPerDay" });
  });

  it("a key the endpoint cannot verify is auth (unknown); the private key and token never appear", async () => {
    clock = manualClock(T0);
    const forged = await createGoogleAnalyticsProbe(createTokenCache())(
      probe({ serviceAccount: keyJson(stranger.privateKey) }),
      opts(),
      { clock },
    );
    expect(forged.failure).toMatchObject({
      kind: "auth",
      status: 400,
      detail: expect.stringContaining("invalid_grant: Invalid JWT Signature."),
    });
    expect(JSON.stringify(forged)).not.toContain("PRIVATE KEY");
    const notJson = await createGoogleAnalyticsProbe(createTokenCache())(
      probe({ serviceAccount: "ya29.a-static-token" }),
      opts(),
      { clock },
    );
    expect(notJson.failure).toMatchObject({
      kind: "protocol",
      detail: expect.stringMatching(/^the service-account secret is not JSON/),
    });
    expect(JSON.stringify(notJson)).not.toContain("ya29.a-static-token");
  });

  it("no access to the property is auth with advice; a revoked token is dropped and the next sample signs again", async () => {
    clock = manualClock(T0);
    const kind = createGoogleAnalyticsProbe(createTokenCache());
    const denied = await kind(probe({ property: "999" }), opts(), { clock });
    expect(denied.failure).toMatchObject({
      kind: "auth",
      status: 403,
      detail: expect.stringContaining("may not read property 999 (PERMISSION_DENIED"),
    });
    google.revokeAll();
    const before = google.issued();
    expect((await kind(probe(), opts(), { clock })).failure).toMatchObject({ kind: "auth", status: 401 });
    expect(await kind(probe(), opts(), { clock })).toMatchObject({ ok: true });
    expect(google.issued() - before).toBe(1);
  });

  it("through the engine: an exhausted quota (429) is throttled, degraded, never down; the key appears nowhere", async () => {
    clock = manualClock(T0);
    google.exhaust(1);
    const config = OpsConfig.parse({
      defaults: { samples: 3, sampleSpacing: 0, confirmWindow: 0 },
      services: [
        {
          id: "google-analytics",
          name: "GA",
          probe: {
            type: "google-analytics",
            property: "${GA_PROPERTY_ID}",
            serviceAccount: "${GA_SERVICE_ACCOUNT_JSON}",
            apiUrl: google.apiUrl,
          },
        },
      ],
    });
    const env = { GA_PROPERTY_ID: PROPERTY, GA_SERVICE_ACCOUNT_JSON: keyJson() };
    const results = await probeFleet({
      config,
      clock,
      env,
      redactor: createRedactor(),
      kinds: { "google-analytics": createGoogleAnalyticsProbe(createTokenCache()) },
    });
    expect(results[0]!.samples).toHaveLength(1);
    const { latest } = evaluate({ config, results, now: T0, run: { startedAt: T0, finishedAt: T0 } });
    expect(latest.services["google-analytics"]).toMatchObject({
      status: "degraded",
      reason: "throttled: the GA Data API answered 429 (no Retry-After given)",
    });
    const written = JSON.stringify({ results, latest });
    expect(written).not.toContain("PRIVATE KEY");
    expect(written).not.toContain("ya29.emu");
  });
});
