import { errorCode, errorMessage, isParserError, transportFailure, unclassified } from "../net-error.ts";
import type { Failure } from "../result.ts";
import { isTlsErrorCode, tlsProblem } from "./tls.ts";
import { elapsed, isProbeError, type Tracker } from "./tracker.ts";

/**
 * Turns whatever undici, Node or our connector threw into a typed Failure, using the phase the
 * tracker was in. Unknown errors become `network` with their code: still data, never rethrown.
 */
export function classifyError(error: unknown, tracker: Tracker): Failure {
  if (isProbeError(error)) return error.failure;
  const code = errorCode(error);
  const message = errorMessage(error);
  const phase = tracker.phase;

  if (code === "UND_ERR_HEADERS_TIMEOUT") return { kind: "timeout", phase: "firstByte", afterMs: elapsed(tracker) };
  if (code === "UND_ERR_BODY_TIMEOUT") return { kind: "timeout", phase: "body", afterMs: elapsed(tracker) };
  const transport = transportFailure(code, {
    phase,
    address: tracker.address ?? tracker.host ?? "?",
    host: tracker.host ?? "?",
    afterMs: elapsed(tracker),
  });
  // The connector's lookup is the only step that resolves names; a DNS code outside it is passed on as is.
  if (transport && (transport.kind !== "dns" || phase === "dns")) return transport;
  if (phase === "tls" || isTlsErrorCode(code)) {
    return { kind: "tls", problem: tlsProblem(code), detail: `${code ?? "error"}: ${message}` };
  }
  if (isParserError(error, code)) return { kind: "protocol", detail: `${code ?? "HTTPParserError"}: ${message}` };
  return unclassified(error, code);
}
