import { z } from "zod";
import { Duration, SecretString } from "./units.ts";

/**
 * A heartbeat for the monitor itself (issue 12 §1): each run pings external dead-man services,
 * which page someone when the pings stop; and each run measures its gap since the previous run.
 */
export const HeartbeatTarget = z.union([
  SecretString.describe(
    "A ping URL (healthchecks.io style); a ${NAME} secret reference, since whoever knows it can ping.",
  ),
  z.strictObject({
    url: SecretString.describe("The ping URL; a ${NAME} secret reference."),
    style: z
      .enum(["healthchecks", "cronitor", "plain"])
      .default("healthchecks")
      .describe(
        "healthchecks: <url>/start, <url>, <url>/<exit code> (healthchecks.io); cronitor: ?state=run, ?state=complete, " +
          "?state=fail&status_code=N (Cronitor telemetry); plain: <url> on success, <url>/fail on failure, no start ping (Better Stack heartbeats).",
      ),
  }),
]);

export const Heartbeat = z.strictObject({
  urls: z
    .array(HeartbeatTarget)
    .default([])
    .meta({
      description:
        "Dead-man ping URLs: a start ping when the run begins, a success or fail ping (with the exit code) when it ends.",
      examples: [["${HEARTBEAT_URL}", { url: "${CRONITOR_TELEMETRY_URL}", style: "cronitor" }]],
    }),
  timeout: Duration.default(3_000).meta({
    description: "Per ping; a ping that fails or times out is logged and never fails or delays the run further.",
    examples: ["3s"],
  }),
  gapThreshold: Duration.optional().meta({
    description:
      "A gap since the previous run longer than this is recorded. " +
      "Default: 3× the schedule.monitor cadence (more where the schedule itself pauses, e.g. overnight).",
    examples: ["20m"],
  }),
  gapIncident: Duration.default(3_600_000).meta({
    description: 'A gap longer than this also opens a P3 "monitoring gap" incident.',
    examples: ["1h"],
  }),
});

export type HeartbeatConfig = z.output<typeof Heartbeat>;
export type HeartbeatTargetConfig = z.output<typeof HeartbeatTarget>;
