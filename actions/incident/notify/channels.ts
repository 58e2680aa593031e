import type { ChannelConfig } from "../../shared/config/schema/channels.ts";
import { sendDiscord } from "./discord.ts";
import { sendEmail } from "./email.ts";
import type { MessageFacts } from "./facts.ts";
import { sendTeams } from "./teams.ts";
import { sendWebhook } from "./webhook.ts";

/** One named channel from `notifications.channels`, its secrets already resolved. */
export function sendChannel(name: string, channel: ChannelConfig, f: MessageFacts, timeoutMs: number): Promise<void> {
  switch (channel.type) {
    case "webhook":
      return sendWebhook(name, channel, f, timeoutMs);
    case "teams":
      return sendTeams(name, channel, f, timeoutMs);
    case "discord":
      return sendDiscord(name, channel, f, timeoutMs);
    case "email":
      return sendEmail(name, channel, f, timeoutMs);
  }
}
