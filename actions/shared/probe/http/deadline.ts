import type { SampleOptions } from "../kind.ts";
import { elapsed, probeError, type Tracker } from "./tracker.ts";

/**
 * One sample's bound, for the probes that open their own connection (http, tcp): a controller
 * aborted with a typed timeout (naming the phase it was in) when `timeoutMs` runs out, or with a
 * cancellation when the run is cancelled. `release` must be called when the sample ends.
 */
export function sampleDeadline(opts: Pick<SampleOptions, "timeoutMs" | "signal">, tracker: Tracker) {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(probeError({ kind: "timeout", phase: tracker.phase, afterMs: elapsed(tracker) })),
    opts.timeoutMs,
  );
  const onCancel = () =>
    controller.abort(probeError({ kind: "network", code: "ABORTED", detail: "the run was cancelled" }));
  if (opts.signal?.aborted) onCancel();
  opts.signal?.addEventListener("abort", onCancel, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCancel);
    },
  };
}
