/**
 * Turns what `pg` throws into a probe Failure. PostgreSQL's SQLSTATE codes say what happened
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html); Node's socket codes say why a
 * connection never happened. Every message is scrubbed of the connection URL and password.
 */
import { tlsProblemOf, transportFailure } from "../net-error.ts";
import type { Failure, Phase } from "../result.ts";

export interface ErrorContext {
  phase: Phase;
  /** host:port we tried. */
  address: string;
  afterMs: number;
  scrub: (text: string) => string;
}

/** SQLSTATEs that mean our credentials (or the account) were refused, not that the database is down. */
const AUTH_STATES = new Set(["28P01", "28000"]);

export function postgresFailure(error: unknown, ctx: ErrorContext): Failure {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; severity?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  const message = ctx.scrub(typeof e.message === "string" ? e.message : String(error));
  const sqlstate = typeof e.severity === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;

  if (sqlstate) {
    if (AUTH_STATES.has(sqlstate))
      return { kind: "auth", detail: `${message} (SQLSTATE ${sqlstate}); check the connection secret` };
    // 57014 query_canceled is what statement_timeout raises.
    if (sqlstate === "57014") return { kind: "timeout", phase: "query", afterMs: ctx.afterMs };
    if (sqlstate === "25006")
      return { kind: "query", detail: `${message}: probe queries run in a READ ONLY transaction and must not write` };
    if (ctx.phase === "connect") return { kind: "network", code: sqlstate, detail: message };
    return { kind: "query", detail: `${message} (SQLSTATE ${sqlstate})` };
  }
  const transport = transportFailure(code, ctx);
  if (transport) return transport;
  const tls = tlsProblemOf(code);
  if (tls) return { kind: "tls", problem: tls, detail: message };
  if (/does not support SSL/i.test(message)) {
    return {
      kind: "tls",
      problem: "handshake",
      detail: `${message}; set probe.tls.mode: disable only for a server on a private network`,
    };
  }
  // pg's own wording for its connectionTimeoutMillis and for a socket closed under it.
  if (/timeout expired|connection timeout/i.test(message))
    return { kind: "timeout", phase: "connect", afterMs: ctx.afterMs };
  if (/terminated unexpectedly/i.test(message)) return { kind: "reset", phase: ctx.phase };
  return { kind: "network", code: code || "EPG", detail: message };
}

/** Hides the URL, the password and any `user:password@` in driver messages. */
export function scrubber(url: string, password: string | undefined): (text: string) => string {
  const secrets = [url, password ?? "", password ? encodeURIComponent(password) : ""]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join("***");
    return out.replace(/(postgres(?:ql)?:\/\/)[^\s@/]*@/gi, "$1***@");
  };
}
