/**
 * What Node's sockets and undici say when a connection fails, as typed Failures. Shared by every
 * probe that opens connections (http, the API client, postgres); each keeps its own cases (HTTP
 * timeouts, TLS during the handshake, SQLSTATEs) and asks this module only about the transport.
 */
import type { Failure, Phase, TlsProblem } from "./result.ts";

/** Timers that ran out before the connection was up (undici's own, or the kernel's). */
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);
/** DNS resolver codes (getaddrinfo and c-ares) that mean "this name does not resolve". */
const DNS_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EAI_NODATA",
  "ENODATA",
  "ESERVFAIL",
  "ETIMEOUT",
]);
/** The peer went away: RST, or a FIN where undici still expected bytes. */
const RESET_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "UND_ERR_SOCKET",
  "ECONNABORTED",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/**
 * OpenSSL verification codes (as Node reports them in `authorizationError` or `error.code`) mapped
 * to what an operator needs to know.
 */
const TLS_PROBLEMS: Record<string, TlsProblem> = {
  CERT_HAS_EXPIRED: "expired",
  CERT_NOT_YET_VALID: "not-yet-valid",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "untrusted",
  UNABLE_TO_GET_ISSUER_CERT: "untrusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "untrusted",
  CERT_UNTRUSTED: "untrusted",
  CERT_SIGNATURE_FAILURE: "untrusted",
  CERT_REVOKED: "untrusted",
  CERT_REJECTED: "untrusted",
  INVALID_CA: "untrusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "hostname",
  HOSTNAME_MISMATCH: "hostname",
};

export interface NetContext {
  /** Where the exchange was; a reset or a timeout reports it. */
  phase: Phase;
  /** `host:port` we tried, for "connection refused by …". */
  address: string;
  /** The name we looked up; defaults to `address` without its port. */
  host?: string;
  afterMs: number;
  /** The phase a connect timeout reports, when the caller does not track one (the API client). */
  timeoutPhase?: Phase;
}

/**
 * Timeout, refused, DNS or reset; undefined for anything else, which the caller classifies
 * (TLS, protocol, a driver's own errors) or reports with `unclassified`. A reset during the TLS
 * handshake is left to the caller too: there it means the handshake failed.
 */
export function transportFailure(code: string | undefined, ctx: NetContext): Failure | undefined {
  if (!code) return undefined;
  if (TIMEOUT_CODES.has(code)) return { kind: "timeout", phase: ctx.timeoutPhase ?? ctx.phase, afterMs: ctx.afterMs };
  if (code === "ECONNREFUSED") return { kind: "refused", address: ctx.address };
  if (DNS_CODES.has(code)) return { kind: "dns", code, host: ctx.host ?? ctx.address.replace(/:\d+$/, "") };
  if (RESET_CODES.has(code) && ctx.phase !== "tls") return { kind: "reset", phase: ctx.phase };
  return undefined;
}

/** The TLS problem an OpenSSL/Node code names; undefined when it names none. */
export function tlsProblemOf(code: string | undefined): TlsProblem | undefined {
  return code ? TLS_PROBLEMS[code] : undefined;
}

/** Still data, never rethrown: the code (or the error's name) and its message. */
export function unclassified(error: unknown, code: string | undefined): Failure {
  return {
    kind: "network",
    code: code ?? (error instanceof Error ? error.name : "UNKNOWN"),
    detail: errorMessage(error),
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first `code` along the cause chain (undici sometimes wraps the socket's error). */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The HTTP parser rejected the answer: a header block over undici's limit, bad chunking, something
 * that is not HTTP. undici reports these as HTTPParserError (llhttp's HPE_* in the message or the
 * code) or UND_ERR_HEADERS_OVERFLOW; they are `protocol` failures, not network ones.
 */
export function isParserError(error: unknown, code = errorCode(error)): boolean {
  const name = error instanceof Error ? error.name : undefined;
  return (
    name === "HTTPParserError" ||
    (code !== undefined && (code.startsWith("HPE_") || code === "UND_ERR_HEADERS_OVERFLOW" || code === "UND_ERR_INFO"))
  );
}
