/**
 * A Google service-account key exchanged for an access token with the OAuth 2 JWT bearer grant
 * (RFC 7523; Google's "Using OAuth 2.0 for Server to Server Applications"): a JWT signed RS256 with
 * the key's private key, `iss` the service account, `aud` the token endpoint, `scope`, `iat`/`exp`
 * one hour apart, POSTed as `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`. Tokens are
 * cached until a minute before they expire (by the injected clock), so a run signs once.
 */
import { createSign } from "node:crypto";
import type { Clock } from "../../clock.ts";
import type { ApiSession } from "../api/request.ts";
import type { Failure } from "../result.ts";

export const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
export const DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";
/** Renew this long before the token's own expiry. */
const EARLY_MS = 60_000;
const LIFETIME_S = 3600;

export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
  tokenUri?: string;
}

/** Reads the key JSON without ever quoting it: the text is a secret. */
export function parseServiceAccount(text: string): { key: ServiceAccountKey } | { failure: Failure } {
  const bad = (what: string): { failure: Failure } => ({
    failure: {
      kind: "protocol",
      detail: `the service-account secret ${what}; expected the JSON key file Google gives (type, client_email, private_key, token_uri)`,
    },
  });
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return bad("is not JSON");
  }
  if (!o || typeof o !== "object") return bad("is not a JSON object");
  const k = o as Record<string, unknown>;
  if (k.type !== undefined && k.type !== "service_account")
    return bad(`has type ${JSON.stringify(k.type)}, not "service_account"`);
  if (typeof k.client_email !== "string" || !k.client_email.includes("@")) return bad("has no client_email");
  if (typeof k.private_key !== "string" || !k.private_key.includes("PRIVATE KEY")) return bad("has no PEM private_key");
  return {
    key: {
      clientEmail: k.client_email,
      privateKey: k.private_key,
      ...(typeof k.private_key_id === "string" && { privateKeyId: k.private_key_id }),
      ...(typeof k.token_uri === "string" && { tokenUri: k.token_uri }),
    },
  };
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** The signed assertion. */
export function signAssertion(key: ServiceAccountKey, scope: string, audience: string, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(key.privateKeyId && { kid: key.privateKeyId }) };
  const claims = { iss: key.clientEmail, scope, aud: audience, iat, exp: iat + LIFETIME_S };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign("RSA-SHA256").update(input).sign(key.privateKey);
  return `${input}.${b64url(signature)}`;
}

export type TokenOutcome = { ok: true; token: string } | { ok: false; failure: Failure };

export interface TokenCache {
  /** A valid access token for this key and scope: from the cache, or exchanged now over `session`. */
  get(
    key: ServiceAccountKey,
    scope: string,
    tokenUrl: string,
    session: ApiSession,
    clock: Clock,
  ): Promise<TokenOutcome>;
  /** Forgets a token the API refused (revoked early). */
  drop(key: ServiceAccountKey, scope: string, tokenUrl: string): void;
}

export function createTokenCache(): TokenCache {
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const pending = new Map<string, Promise<TokenOutcome>>();
  const id = (key: ServiceAccountKey, scope: string, tokenUrl: string) =>
    `${key.clientEmail}\n${key.privateKeyId ?? ""}\n${scope}\n${tokenUrl}`;
  return {
    async get(key, scope, tokenUrl, session, clock) {
      const k = id(key, scope, tokenUrl);
      const hit = cache.get(k);
      if (hit && hit.expiresAt - EARLY_MS > clock.now().getTime()) return { ok: true, token: hit.token };
      // Services sharing a key wait for one exchange instead of each signing their own.
      const inFlight = pending.get(k);
      if (inFlight) return inFlight;
      const exchange = exchangeToken(key, scope, tokenUrl, session, clock).then((out) => {
        pending.delete(k);
        if (out.ok) cache.set(k, { token: out.token, expiresAt: out.expiresAt });
        return out.ok ? { ok: true as const, token: out.token } : out;
      });
      pending.set(k, exchange);
      return exchange;
    },
    drop(key, scope, tokenUrl) {
      cache.delete(id(key, scope, tokenUrl));
    },
  };
}

async function exchangeToken(
  key: ServiceAccountKey,
  scope: string,
  tokenUrl: string,
  session: ApiSession,
  clock: Clock,
): Promise<{ ok: true; token: string; expiresAt: number } | { ok: false; failure: Failure }> {
  let assertion: string;
  try {
    assertion = signAssertion(key, scope, tokenUrl, clock.now());
  } catch (error) {
    return {
      ok: false,
      failure: {
        kind: "protocol",
        detail: `the service account's private_key cannot sign (${(error as Error).message.split("\n")[0]})`,
      },
    };
  }
  const body = new URLSearchParams({ grant_type: GRANT_TYPE, assertion }).toString();
  const out = await session.request({
    method: "POST",
    url: tokenUrl,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body,
  });
  if (!out.ok) return out;
  const res = out.response;
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    // Described below by status; the body of a failed token call is not needed.
  }
  if (res.status !== 200) {
    const why =
      typeof json.error === "string"
        ? `${json.error}${typeof json.error_description === "string" ? `: ${json.error_description}` : ""}`
        : `status ${res.status}`;
    // 400 invalid_grant / 401 invalid_client: our key was deleted, disabled or its clock is off.
    const ours = res.status === 400 || res.status === 401 || res.status === 403;
    return {
      ok: false,
      failure: ours
        ? {
            kind: "auth",
            status: res.status,
            detail: `the token endpoint refused the service account ${key.clientEmail} (${why}); check the key is active`,
          }
        : { kind: "status", expected: "200 from the token endpoint", found: res.status },
    };
  }
  if (typeof json.access_token !== "string" || !json.access_token)
    return { ok: false, failure: { kind: "protocol", detail: "the token endpoint answered without an access_token" } };
  const ttl = typeof json.expires_in === "number" ? json.expires_in : LIFETIME_S;
  return { ok: true, token: json.access_token, expiresAt: clock.now().getTime() + ttl * 1000 };
}
