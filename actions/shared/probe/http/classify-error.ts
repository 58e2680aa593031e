import type { Failure } from "../result.ts";
import { isTlsErrorCode, tlsProblem } from "./tls.ts";
import { elapsed, isProbeError, type Tracker } from "./tracker.ts";

/** DNS resolver codes (getaddrinfo and c-ares) that mean "this name does not resolve". */
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA", "ENODATA", "ESERVFAIL", "ETIMEOUT"]);
/** The peer went away: RST, or a FIN where undici still expected bytes. */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"]);

/**
 * Turns whatever undici, Node or our connector threw into a typed Failure, using the phase the
 * tracker was in. Unknown errors become `network` with their code: still data, never rethrown.
 */
export function classifyError(error: unknown, tracker: Tracker): Failure {
  if (isProbeError(error)) return error.failure;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const phase = tracker.phase;

  if (code === "UND_ERR_HEADERS_TIMEOUT") return { kind: "timeout", phase: "firstByte", afterMs: elapsed(tracker) };
  if (code === "UND_ERR_BODY_TIMEOUT") return { kind: "timeout", phase: "body", afterMs: elapsed(tracker) };
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return { kind: "timeout", phase, afterMs: elapsed(tracker) };
  if (code === "ECONNREFUSED") return { kind: "refused", address: tracker.address ?? tracker.host ?? "?" };
  if (code && DNS_CODES.has(code) && phase === "dns") return { kind: "dns", code, host: tracker.host ?? "?" };
  if (phase === "tls" || isTlsErrorCode(code)) {
    return { kind: "tls", problem: tlsProblem(code), detail: `${code ?? "error"}: ${message}` };
  }
  if (code && RESET_CODES.has(code)) return { kind: "reset", phase };
  if (code?.startsWith("HPE_") || code === "UND_ERR_INFO") return { kind: "protocol", detail: `${code}: ${message}` };
  return { kind: "network", code: code ?? (error instanceof Error ? error.name : "UNKNOWN"), detail: message };
}

/** The first `code` along the error's cause chain (undici sometimes wraps the socket's error). */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
