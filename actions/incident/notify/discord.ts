import type { DiscordChannelConfig } from "../../shared/config/schema/channels.ts";
import { clip, evidenceLines, type MessageFacts } from "./facts.ts";
import { postJson } from "./post.ts";

/**
 * Discord webhook: a short content line and one embed with the evidence as fields, within
 * Discord's limits (content 2000, title 256, description 4096, field 1024). `allowed_mentions`
 * with an empty `parse` means no text in a service's reason can ping @everyone, a role or a user.
 */
export function discordMessage(f: MessageFacts, username?: string) {
  const color = f.event === "resolve" ? 0x2eb67d : f.severity === "P0" || f.severity === "P1" ? 0xe01e5a : 0xecb22e;
  return {
    ...(username ? { username } : {}),
    content: clip(f.title, 2_000),
    embeds: [
      {
        title: clip(`${f.name} (${f.environment})`, 256),
        description: clip(f.summary, 4_096),
        ...(f.issueUrl ? { url: f.issueUrl } : {}),
        color,
        fields: evidenceLines(f).map(([name, value]) => ({
          name,
          value: clip(value, 1_024),
          inline: name === "Severity" || name === "Status",
        })),
        timestamp: f.time,
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

export function sendDiscord(
  name: string,
  channel: DiscordChannelConfig,
  f: MessageFacts,
  timeoutMs: number,
): Promise<void> {
  return postJson(channel.url, discordMessage(f, channel.username), timeoutMs, `Discord (${name})`);
}
