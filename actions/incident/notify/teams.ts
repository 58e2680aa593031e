import type { TeamsChannelConfig } from "../../shared/config/schema/channels.ts";
import { plainText } from "../../shared/text/inert.ts";
import { allResolved, digestHeadline, fitDigest, moreLine, worstSeverity } from "./digest.ts";
import { clip, evidenceLines, type MessageFacts } from "./facts.ts";
import { postJson } from "./post.ts";

/**
 * Microsoft Teams: an Adaptive Card (schema 1.4) in the envelope both Workflows ("When a Teams
 * webhook request is received") and the older incoming webhooks accept. Facts are a FactSet;
 * the issue, runbook and rollback links are buttons too. Teams caps a card at about 28 KB, so
 * long values are cut, and a digest of several events stays under TEAMS_DIGEST_BYTES.
 */
export const TEAMS_DIGEST_BYTES = 24_000;

function card(body: unknown[], actions: unknown[]) {
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
          body,
          actions,
        },
      },
    ],
  };
}

function colorOf(resolved: boolean, severity: string): string {
  return resolved ? "Good" : severity === "P0" || severity === "P1" ? "Attention" : "Warning";
}

export function teamsMessage(f: MessageFacts) {
  const links: Array<[string, string]> = [
    ["Open the issue", f.issueUrl],
    ["Runbook", f.runbookUrl],
    ["Roll back", f.rollbackUrl],
  ];
  return card(
    [
      {
        type: "TextBlock",
        text: clip(f.title, 300),
        weight: "Bolder",
        size: "Medium",
        color: colorOf(f.event === "resolve", f.severity),
        wrap: true,
      },
      { type: "TextBlock", text: clip(f.summary, 2_000), wrap: true },
      {
        type: "FactSet",
        facts: evidenceLines(f).map(([title, value]) => ({ title, value: clip(value, 2_000) })),
      },
    ],
    links.filter(([, url]) => /^https?:\/\//.test(url)).map(([title, url]) => ({ type: "Action.OpenUrl", title, url })),
  );
}

/**
 * Several events in one card: a headline counting them, then per event a container with its title,
 * summary and evidence (leaner: the issue link only; then as many as fit and "…and N more").
 */
export function teamsDigest(list: readonly MessageFacts[]) {
  const worst = worstSeverity(list);
  const headline = `${worst} · ${digestHeadline(list)}`;
  const entry = (f: MessageFacts, tier: number) => {
    const facts = tier === 0 ? evidenceLines(f) : evidenceLines(f).filter(([title]) => title === "Issue");
    return {
      type: "Container",
      separator: true,
      items: [
        { type: "TextBlock", text: clip(f.title, 300), weight: "Bolder", wrap: true },
        { type: "TextBlock", text: plainText(f.summary, { max: tier === 0 ? 500 : 200 }), wrap: true },
        ...(facts.length
          ? [
              {
                type: "FactSet",
                facts: facts.map(([title, value]) => ({ title, value: plainText(value, { max: 300 }) })),
              },
            ]
          : []),
      ],
    };
  };
  return fitDigest(
    list.length,
    2,
    (tier, shown) =>
      card(
        [
          {
            type: "TextBlock",
            text: headline,
            weight: "Bolder",
            size: "Medium",
            color: colorOf(allResolved(list), worst),
            wrap: true,
          },
          ...list.slice(0, shown).map((f) => entry(f, tier)),
          ...(shown < list.length ? [{ type: "TextBlock", text: moreLine(list.length - shown), wrap: true }] : []),
        ],
        [],
      ),
    (m) => Buffer.byteLength(JSON.stringify(m)) <= TEAMS_DIGEST_BYTES,
  );
}

export function sendTeams(
  name: string,
  channel: TeamsChannelConfig,
  list: readonly MessageFacts[],
  timeoutMs: number,
): Promise<void> {
  const message = list.length === 1 ? teamsMessage(list[0]!) : teamsDigest(list);
  return postJson(channel.url, message, timeoutMs, `Teams (${name})`);
}
