import type { PeerCertificate } from "node:tls";
import type { TlsProblem } from "../result.ts";

/**
 * OpenSSL verification codes (as Node reports them in `authorizationError` or `error.code`) mapped
 * to what an operator needs to know. Anything else that breaks the handshake is "handshake".
 */
const PROBLEMS: Record<string, TlsProblem> = {
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

export function tlsProblem(code: string | undefined): TlsProblem {
  return (code && PROBLEMS[code]) || "handshake";
}

/** Error codes that mean "the TLS layer failed", as opposed to the TCP connection under it. */
export function isTlsErrorCode(code: string | undefined): boolean {
  if (!code) return false;
  return code in PROBLEMS || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO";
}

/**
 * Whole days until the certificate's notAfter, by the injected clock's `now`: negative once
 * expired (a certificate that expired yesterday has -1).
 */
export function certDaysLeft(cert: PeerCertificate | undefined, now: Date): number | undefined {
  if (!cert || !cert.valid_to) return undefined;
  const notAfter = Date.parse(cert.valid_to);
  if (Number.isNaN(notAfter)) return undefined;
  return Math.floor((notAfter - now.getTime()) / 86_400_000);
}

export function describeCert(cert: PeerCertificate | undefined): string {
  if (!cert || !cert.subject) return "no certificate";
  const cn = cert.subject.CN ?? "?";
  return `certificate CN=${Array.isArray(cn) ? cn.join(",") : cn}, valid ${cert.valid_from} – ${cert.valid_to}`;
}
