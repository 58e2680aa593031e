import type { z } from "zod";
import type { RateThreshold } from "../config/schema/service.ts";
import { formatDuration } from "../config/schema/units.ts";
import type { WindowRun } from "../store/latest-schema.ts";
import type { Rating } from "../status.ts";
import type { MetricRating } from "./rate.ts";

type RateThresholdConfig = z.output<typeof RateThreshold>;

/**
 * The success rate is read two ways (docs/probe-engine.md, "Success rate"):
 *
 * - **In the run**, for hard down: when the final attempt is still below `red` after the engine's
 *   confirmation re-probes, the service is down now (red), whatever the window says.
 * - **Over a sliding window** of recent runs (`window`, default 30 min), for partial failure: the
 *   ok / total of every sample of every run in it. A band is given only once the window holds
 *   `minSamples` samples and failures were seen in at least `MIN_FAILING_RUNS` runs: one bad sample,
 *   or one bad run, is noise and rates green.
 *
 * Runs confirmed hard down are rated by the first rule and kept out of the window, so a service
 * back from an outage is not held red by the outage's samples for another half hour.
 */
export const MIN_FAILING_RUNS = 2;

export interface SuccessCounts {
  okCount: number;
  count: number;
}

export interface SuccessInput {
  threshold: RateThresholdConfig;
  /** Every sample of this run. */
  run: SuccessCounts;
  /** The final attempt (after confirmation); `run` when unknown. */
  lastAttempt: SuccessCounts;
  /** The stored window before this run. */
  previous: readonly WindowRun[];
  now: Date;
  /** False when this run says nothing of the service's steady state (unknown, maintenance): it joins no window and gets no band from it. */
  joins: boolean;
}

export interface SuccessOutput {
  rating?: MetricRating;
  /** The window to store: this run added (unless excluded), pruned to `threshold.window`. */
  window: WindowRun[];
}

export function rateSuccess(input: SuccessInput): SuccessOutput {
  const { threshold: t, run, lastAttempt, now } = input;
  const { yellow, red } = t;
  const hardDown = lastAttempt.count > 0 && pct(lastAttempt) < red;
  const from = now.getTime() - t.window;
  const at = now.toISOString();
  // A run at the same time as a stored one replaces it (it is the same run); older runs drop out.
  const kept = input.previous.filter((r) => Date.parse(r.t) > from && r.t !== at);
  const window = input.joins && !hardDown && run.count > 0 ? [...kept, { t: at, ok: run.okCount, n: run.count }] : kept;
  const base = { metric: "successRate" as const, sustainMs: t.for ?? 0, redIsDown: true };

  if (hardDown) {
    const text = `success ${round(pct(lastAttempt))} % (${lastAttempt.okCount}/${lastAttempt.count})${run.count > lastAttempt.count ? ` after confirmation, ${run.okCount}/${run.count} in the run` : ""} < ${red} %`;
    return { rating: { ...base, rating: "red", text }, window };
  }
  if (!input.joins) return { window };

  const ok = window.reduce((a, r) => a + r.ok, 0);
  const n = window.reduce((a, r) => a + r.n, 0);
  const failingRuns = window.filter((r) => r.ok < r.n).length;
  if (n === 0) return { window };
  const rate = (ok / n) * 100;
  const banded = n >= t.minSamples && failingRuns >= MIN_FAILING_RUNS;
  const rating: Rating = !banded || rate > yellow ? "green" : rate >= red ? "yellow" : "red";
  const over = `over ${formatDuration(t.window)} (${ok}/${n} in ${window.length} run${window.length === 1 ? "" : "s"})`;
  const text = `success ${round(rate)} % ${over}${rating === "red" ? ` < ${red} %` : rating === "yellow" ? ` ≤ ${yellow} %` : ""}`;
  return { rating: { ...base, rating, text }, window };
}

function pct(c: SuccessCounts): number {
  return c.count ? (c.okCount / c.count) * 100 : 0;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
