import type { ChannelConfig } from "../../shared/config/schema/channels.ts";
import { deadline, inTurn, once, type Outcome } from "./attempts.ts";
import { sendDiscord } from "./discord.ts";
import { sendEmail } from "./email.ts";
import type { MessageFacts } from "./facts.ts";
import { sendTeams } from "./teams.ts";
import { sendWebhook } from "./webhook.ts";

/**
 * One named channel from `notifications.channels`, its secrets already resolved, given a run's
 * events for it. Teams, Discord and email send one message (a digest when there are several); a
 * generic webhook POSTs each event on its own, because its body template describes one event and
 * the receiver behind it (a chat bridge, a status page, an incident tool) expects that shape.
 * Every request has, over the channel's own timeouts, a guard of `timeoutMs + 2 s`.
 */
export function sendChannel(
  name: string,
  channel: ChannelConfig,
  list: readonly MessageFacts[],
  timeoutMs: number,
): Promise<Outcome[]> {
  const guard = (work: Promise<void>) => deadline(work, timeoutMs + 2_000, name);
  switch (channel.type) {
    case "webhook":
      return inTurn(list, (f) => guard(sendWebhook(name, channel, f, timeoutMs)));
    case "teams":
      return once(list.length, () => guard(sendTeams(name, channel, list, timeoutMs)));
    case "discord":
      return once(list.length, () => guard(sendDiscord(name, channel, list, timeoutMs)));
    case "email":
      return once(list.length, () => guard(sendEmail(name, channel, list, timeoutMs)));
  }
}
