import type { TeamsChannelConfig } from "../../shared/config/schema/channels.ts";
import { clip, evidenceLines, type MessageFacts } from "./facts.ts";
import { postJson } from "./post.ts";

/**
 * Microsoft Teams: an Adaptive Card (schema 1.4) in the envelope both Workflows ("When a Teams
 * webhook request is received") and the older incoming webhooks accept. Facts are a FactSet;
 * the issue, runbook and rollback links are buttons too. Teams caps a card at about 28 KB, so
 * long values are cut.
 */
export function teamsMessage(f: MessageFacts) {
  const color = f.event === "resolve" ? "Good" : f.severity === "P0" || f.severity === "P1" ? "Attention" : "Warning";
  const links: Array<[string, string]> = [
    ["Open the issue", f.issueUrl],
    ["Runbook", f.runbookUrl],
    ["Roll back", f.rollbackUrl],
  ];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          msteams: { width: "Full" },
          body: [
            { type: "TextBlock", text: clip(f.title, 300), weight: "Bolder", size: "Medium", color, wrap: true },
            { type: "TextBlock", text: clip(f.summary, 2_000), wrap: true },
            {
              type: "FactSet",
              facts: evidenceLines(f).map(([title, value]) => ({ title, value: clip(value, 2_000) })),
            },
          ],
          actions: links
            .filter(([, url]) => /^https?:\/\//.test(url))
            .map(([title, url]) => ({ type: "Action.OpenUrl", title, url })),
        },
      },
    ],
  };
}

export function sendTeams(
  name: string,
  channel: TeamsChannelConfig,
  f: MessageFacts,
  timeoutMs: number,
): Promise<void> {
  return postJson(channel.url, teamsMessage(f), timeoutMs, `Teams (${name})`);
}
