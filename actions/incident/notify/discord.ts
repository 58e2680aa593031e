import type { DiscordChannelConfig } from "../../shared/config/schema/channels.ts";
import { plainText } from "../../shared/text/inert.ts";
import {
  allResolved,
  digestHeadline,
  eventLabel,
  fitDigest,
  linkable,
  moreLine,
  shortLabel,
  worstSeverity,
} from "./digest.ts";
import { clip, evidenceLines, type MessageFacts } from "./facts.ts";
import { postJson } from "./post.ts";

/**
 * Discord webhook: a short content line and one embed with the evidence as fields, within
 * Discord's limits (content 2000, title 256, description 4096, field 1024, 6000 for all of a
 * message's embeds). `allowed_mentions` with an empty `parse` means no text in a service's reason
 * can ping @everyone, a role or a user.
 */
const GREEN = 0x2eb67d;
const RED = 0xe01e5a;
const YELLOW = 0xecb22e;
const DESCRIPTION_MAX = 4_096;

export function discordMessage(f: MessageFacts, username?: string) {
  const color = f.event === "resolve" ? GREEN : f.severity === "P0" || f.severity === "P1" ? RED : YELLOW;
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

/**
 * Several events in one message: the headline as content and title, and one embed whose
 * description lists the events, one entry each, as rich as its 4,096 characters allow for all of
 * them (with the location and links; the line alone; a shorter line; else as many short lines as
 * fit and "…and N more"), so title and description stay under the 6,000 characters Discord
 * allows all of a message's embeds.
 */
export function discordDigest(list: readonly MessageFacts[], username?: string) {
  const worst = worstSeverity(list);
  const headline = `${worst} · ${digestHeadline(list)}`;
  const link = (text: string, url: string) => (linkable(url) ? `[${text}](${url})` : "");
  const entry = (f: MessageFacts, tier: number) => {
    const issue = link("issue", f.issueUrl);
    const summary = plainText(f.summary, { max: [300, 150, 70][tier] });
    const line =
      tier < 2
        ? `• **${eventLabel(f)}** — ${summary}${issue ? ` · ${issue}` : ""}`
        : `• **${shortLabel(f)}** ${summary}${issue ? ` ${issue}` : ""}`;
    if (tier > 0) return line;
    const more = [
      f.location && plainText(f.location, { max: 150 }),
      link("runbook", f.runbookUrl),
      link("roll back", f.rollbackUrl),
    ].filter(Boolean);
    return more.length ? `${line}\n   ${more.join(" · ")}` : line;
  };
  const description = fitDigest(
    list.length,
    3,
    (tier, shown) =>
      [
        ...list.slice(0, shown).map((f) => entry(f, tier)),
        ...(shown < list.length ? [moreLine(list.length - shown)] : []),
      ].join("\n"),
    (d) => d.length <= DESCRIPTION_MAX,
  );
  return {
    ...(username ? { username } : {}),
    content: clip(headline, 2_000),
    embeds: [
      {
        title: clip(headline, 256),
        description,
        color: allResolved(list) ? GREEN : worst === "P0" || worst === "P1" ? RED : YELLOW,
        timestamp: list[0]!.time,
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

export function sendDiscord(
  name: string,
  channel: DiscordChannelConfig,
  list: readonly MessageFacts[],
  timeoutMs: number,
): Promise<void> {
  const message =
    list.length === 1 ? discordMessage(list[0]!, channel.username) : discordDigest(list, channel.username);
  return postJson(channel.url, message, timeoutMs, `Discord (${name})`);
}
