import type { ServiceState } from "../store/latest-schema.ts";
import type { Status } from "../status.ts";

/**
 * How long the monitor has been blind to a service: `unknown` (a rejected credential, a missing
 * secret, an empty metric) on runs where the runner itself was online. Time is added between two
 * online runs that both saw it unknown; runs while the runner was offline add nothing (nothing
 * was learned of anyone then). Any other status ends it. Replaying a run adds nothing.
 */
export function blindness(
  previous: ServiceState | undefined,
  status: Status,
  now: Date,
  offline: boolean,
): Pick<ServiceState, "blindSince" | "blindMs"> {
  if (offline) return previous?.blindSince ? { blindSince: previous.blindSince, blindMs: previous.blindMs ?? 0 } : {};
  if (status !== "unknown") return {};
  if (!previous?.blindSince) return { blindSince: now.toISOString(), blindMs: 0 };
  // Since the previous run: an offline run in between moved checkedAt on, so its time is left out.
  const added = Math.max(0, now.getTime() - Date.parse(previous.checkedAt));
  return { blindSince: previous.blindSince, blindMs: (previous.blindMs ?? 0) + added };
}
