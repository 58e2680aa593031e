import type { ProbeKinds } from "./kind.ts";
import { httpProbe } from "./http.ts";

/**
 * Every probe kind this build knows, by `probe.type`. A service whose type is missing here gets
 * an inconclusive result (unknown), not a crash.
 */
export const defaultKinds: ProbeKinds = {
  http: httpProbe,
};
