import { manualClock } from "../../actions/shared/clock.ts";
import { HttpProbe, type HttpProbeConfig } from "../../actions/shared/config/schema/index.ts";
import type { SampleOptions } from "../../actions/shared/probe/kind.ts";

/** An http probe config as the schema would produce it from `input`. */
export function httpConfig(input: Record<string, unknown> & { url: string }): HttpProbeConfig {
  return HttpProbe.parse({ type: "http", ...input });
}

export const opts = (o: Partial<SampleOptions> = {}): SampleOptions => ({
  timeoutMs: 3_000,
  connectTimeoutMs: 2_000,
  maxBodyBytes: 1_048_576,
  ...o,
});

export const T0 = "2026-11-22T16:00:00.000Z";
export const deps = () => ({ clock: manualClock(T0) });
