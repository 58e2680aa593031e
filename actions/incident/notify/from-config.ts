import type { Clock } from "../../shared/clock.ts";
import type { ChannelConfig } from "../../shared/config/schema/channels.ts";
import type { OpsConfig } from "../../shared/config/schema/index.ts";
import type { NotificationsConfig } from "../../shared/config/schema/incidents.ts";
import { resolveSecrets, type Env, type Redactor } from "../../shared/config/secrets.ts";
import { evidenceContext } from "./facts.ts";
import { createNotifier, printingNotifier, type Notifier } from "./index.ts";

/**
 * The run's notifier, from the config and the environment: every route's secrets resolved on its
 * own (one missing secret silences one route only), every message given the config's evidence
 * (location, runbook, rollback link; the repository from GITHUB_SERVER_URL / GITHUB_REPOSITORY).
 */
export interface NotifierFromConfigInput {
  config: OpsConfig;
  env: Env;
  redactor: Redactor;
  dryRun: boolean;
  print: (line: string) => void;
  clock: Clock;
}

export function notifierFromConfig(input: NotifierFromConfigInput): Notifier {
  const { config, env, redactor } = input;
  const n = config.notifications;
  if (input.dryRun) return printingNotifier(input.print, n);
  const missing: string[] = [];
  const one = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const r = resolveSecrets(value, env, redactor);
    if (r.ok) return r.value;
    missing.push(...r.missing);
    return undefined;
  };
  const routingKey = one(n.pagerduty?.routingKey);
  const resolved: NotificationsConfig = {
    ...n,
    slack: { emergency: one(n.slack.emergency), alerts: one(n.slack.alerts) },
    ...(n.pagerduty && routingKey ? { pagerduty: { ...n.pagerduty, routingKey } } : { pagerduty: undefined }),
  };
  return createNotifier({
    config: resolved,
    missing,
    redactor,
    channels: resolveChannels(n.channels, env, redactor),
    evidence: evidenceContext(config, env),
    now: () => input.clock.now(),
  });
}

/** Each channel resolved whole, or the names of the secrets it lacks. */
export function resolveChannels(
  channels: Readonly<Record<string, ChannelConfig>>,
  env: Env,
  redactor: Redactor,
): Record<string, ChannelConfig | { missing: string[] }> {
  return Object.fromEntries(
    Object.entries(channels).map(([name, channel]) => {
      const r = resolveSecrets(channel, env, redactor);
      return [name, r.ok ? r.value : { missing: r.missing }];
    }),
  );
}
