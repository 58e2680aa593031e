import type { HeartbeatConfig, HeartbeatTargetConfig } from "../config/schema/heartbeat.ts";
import { resolveSecrets, type Env, type Redactor } from "../config/secrets.ts";
import { createHeartbeat, type Heartbeat } from "./ping.ts";

export { createHeartbeat, pingUrl, type Heartbeat, type PingResult } from "./ping.ts";
export { defaultGapThreshold, gapSubject, measureGap, recordGap, type GapDecision, type MonitoringGap } from "./gap.ts";

/**
 * The run's heartbeat from the config: each URL's `${NAME}` resolved on its own (a missing secret
 * skips that URL and says so); no URLs, no pings. The resolved URLs join the redactor.
 */
export function heartbeatFromConfig(
  config: HeartbeatConfig,
  env: Env,
  redactor: Redactor,
  log: (line: string) => void,
): Heartbeat {
  const targets: HeartbeatTargetConfig[] = [];
  const labels: string[] = [];
  config.urls.forEach((t, i) => {
    const r = resolveSecrets(t, env, redactor);
    if (r.ok) {
      targets.push(r.value);
      labels.push(`heartbeat ${i + 1}`);
    } else log(`heartbeat ${i + 1}: not pinged, missing secret ${r.missing.join(", ")}`);
  });
  return createHeartbeat({ targets, labels, timeoutMs: config.timeout, log: (line) => log(redactor.scrub(line)) });
}
