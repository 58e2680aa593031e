import type { PeerCertificate } from "node:tls";
import { tlsProblemOf } from "../net-error.ts";
import type { TlsProblem } from "../result.ts";

/** The TLS problem a code names; anything else that breaks the handshake is "handshake". */
export function tlsProblem(code: string | undefined): TlsProblem {
  return tlsProblemOf(code) ?? "handshake";
}

/** Error codes that mean "the TLS layer failed", as opposed to the TCP connection under it. */
export function isTlsErrorCode(code: string | undefined): boolean {
  if (!code) return false;
  return (
    tlsProblemOf(code) !== undefined || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO"
  );
}

/**
 * Whole days until the certificate's notAfter, by the injected clock's `now`: negative once
 * expired (a certificate that expired yesterday has -1).
 */
export function certDaysLeft(cert: PeerCertificate | undefined, now: Date): number | undefined {
  if (!cert?.valid_to) return undefined;
  const notAfter = Date.parse(cert.valid_to);
  if (Number.isNaN(notAfter)) return undefined;
  return Math.floor((notAfter - now.getTime()) / 86_400_000);
}

export function describeCert(cert: PeerCertificate | undefined): string {
  if (!cert?.subject) return "no certificate";
  const cn = cert.subject.CN ?? "?";
  return `certificate CN=${Array.isArray(cn) ? cn.join(",") : cn}, valid ${cert.valid_from} – ${cert.valid_to}`;
}
