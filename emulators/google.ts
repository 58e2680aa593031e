/**
 * Google's OAuth 2 token endpoint and the GA4 Data API's runReport, on loopback, for the
 * `google-analytics` probe's tests and the demo. The token endpoint does what Google's does with a
 * JWT bearer grant (RFC 7523): form-encoded `grant_type` and `assertion`; an RS256 JWT whose
 * signature verifies with the registered service account's public key, whose `aud` is this
 * endpoint, whose `iat`/`exp` span at most an hour around now, and whose `scope` is set; answers
 * `{ access_token, expires_in, token_type }` or `{ error: "invalid_grant", error_description }`.
 * The Data API checks the bearer token and answers a runReport with `propertyQuota` when asked,
 * and Google's error envelope `{ error: { code, message, status } }` otherwise.
 */
import { createPublicKey, createVerify, randomBytes, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GoogleEmulatorOptions {
  /** Service accounts by client_email, with their public key (PEM). */
  accounts: Record<string, { publicKey: string; properties: string[] }>;
  /** The emulator's clock (the probe's injected clock in tests). */
  now?: () => Date;
  /** Seconds an issued token lives (Google: 3600). */
  expiresIn?: number;
}

export interface GoogleEmulator {
  /** Base URL of the Data API (the probe's apiUrl). */
  apiUrl: string;
  /** The token endpoint (the probe's tokenUrl, or the key's token_uri). */
  tokenUrl: string;
  /** Tokens issued so far. */
  issued: () => number;
  /** Every claim set accepted, for tests that check what was signed. */
  claims: Array<Record<string, unknown>>;
  /** Quota state per property, as runReport reports it. */
  setQuota(property: string, name: string, consumed: number, remaining: number): void;
  /** The next `n` runReport calls answer 429 RESOURCE_EXHAUSTED. */
  exhaust(n: number): void;
  /** Forgets every issued token (as a revoked key would). */
  revokeAll(): void;
  close(): Promise<void>;
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions): Promise<GoogleEmulator> {
  const now = options.now ?? (() => new Date());
  const keys = new Map<string, KeyObject>(
    Object.entries(options.accounts).map(([email, a]) => [email, createPublicKey(a.publicKey)]),
  );
  const tokens = new Map<string, { email: string; expiresAt: number }>();
  const quotas = new Map<string, Record<string, { consumed: number; remaining: number }>>();
  const claims: Array<Record<string, unknown>> = [];
  let exhausted = 0;
  let base = "";

  const server = createServer((req, res) => {
    read(req).then(
      (body) => (req.url === "/token" ? token(req, res, body) : api(req, res, body)),
      () => res.writeHead(400).end(),
    );
  });

  function token(req: IncomingMessage, res: ServerResponse, body: string): void {
    const deny = (description: string) => json(res, 400, { error: "invalid_grant", error_description: description });
    if (req.method !== "POST") return json(res, 405, { error: "invalid_request", error_description: "POST required" });
    if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"))
      return json(res, 400, { error: "invalid_request", error_description: "form-encoded body required" });
    const form = new URLSearchParams(body);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      return json(res, 400, { error: "unsupported_grant_type", error_description: "Invalid grant_type" });
    const parts = (form.get("assertion") ?? "").split(".");
    if (parts.length !== 3) return deny("Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
    const [h, c, sig] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claim: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>;
      claim = JSON.parse(Buffer.from(c, "base64url").toString()) as Record<string, unknown>;
    } catch {
      return deny("Invalid JWT: malformed segments");
    }
    if (header.alg !== "RS256") return deny(`Invalid JWT: alg ${String(header.alg)} is not RS256`);
    const key = keys.get(String(claim.iss));
    if (!key) return json(res, 401, { error: "invalid_client", error_description: "The OAuth client was not found." });
    if (!createVerify("RSA-SHA256").update(`${h}.${c}`).verify(key, Buffer.from(sig, "base64url")))
      return deny("Invalid JWT Signature.");
    if (claim.aud !== `${base}/token`) return deny(`Invalid JWT: aud must be ${base}/token`);
    const t = Math.floor(now().getTime() / 1000);
    const iat = Number(claim.iat);
    const exp = Number(claim.exp);
    if (!(iat <= t + 60 && exp > t && exp - iat <= 3600))
      return deny(
        "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values",
      );
    if (typeof claim.scope !== "string" || !claim.scope) return deny("Invalid JWT: no scope");
    claims.push(claim);
    const access = `ya29.emu-${randomBytes(12).toString("hex")}`;
    const expiresIn = options.expiresIn ?? 3600;
    tokens.set(access, { email: String(claim.iss), expiresAt: now().getTime() + expiresIn * 1000 });
    json(res, 200, { access_token: access, expires_in: expiresIn, token_type: "Bearer" });
  }

  function api(req: IncomingMessage, res: ServerResponse, body: string): void {
    const err = (code: number, status: string, message: string) =>
      json(res, code, { error: { code, message, status } });
    const m = /^\/v1beta\/properties\/(\d+):runReport$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    if (!m || req.method !== "POST") return err(404, "NOT_FOUND", "Requested entity was not found.");
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const held = bearer ? tokens.get(bearer) : undefined;
    if (!held || held.expiresAt <= now().getTime())
      return err(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    const property = m[1]!;
    if (!options.accounts[held.email]!.properties.includes(property))
      return err(403, "PERMISSION_DENIED", "User does not have sufficient permissions for this property.");
    if (exhausted > 0) {
      exhausted--;
      return err(429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour for this property.");
    }
    let request: { metrics?: Array<{ name?: string }>; returnPropertyQuota?: boolean };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return err(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const metric = request.metrics?.[0]?.name ?? "activeUsers";
    const quota = quotas.get(property) ?? {};
    for (const q of Object.values(quota)) if (q.remaining > 0) q.consumed++, q.remaining--;
    json(res, 200, {
      dimensionHeaders: [],
      metricHeaders: [{ name: metric, type: "TYPE_INTEGER" }],
      rows: [{ metricValues: [{ value: "42" }] }],
      rowCount: 1,
      metadata: { currencyCode: "USD", timeZone: "America/Chicago" },
      ...(request.returnPropertyQuota && { propertyQuota: structuredClone(quota) }),
      kind: "analyticsData#runReport",
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: base,
    tokenUrl: `${base}/token`,
    issued: () => claims.length,
    claims,
    setQuota: (property, name, consumed, remaining) => {
      const q = quotas.get(property) ?? {};
      q[name] = { consumed, remaining };
      quotas.set(property, q);
    },
    exhaust: (n) => void (exhausted = n),
    revokeAll: () => tokens.clear(),
    close: () => close(server),
  };
}

async function read(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" }).end(JSON.stringify(body));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
