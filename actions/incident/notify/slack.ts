import { slackText } from "../../shared/text/inert.ts";
import { allResolved, digestHeadline, fitDigest, moreLine, worstSeverity } from "./digest.ts";
import type { IncidentEvent } from "./types.ts";
import { postJson } from "./post.ts";

/**
 * Slack incoming webhook: one message per event, with a link to the issue; several events of a
 * run on one route are one message listing them (`slackDigest`). The summary quotes a service's
 * own words, so it is escaped for mrkdwn (no `<!channel>`, `<@U…>` or `<url|text>`), and
 * unfurling is off: Slack never fetches a URL a service put in its answer.
 */
export interface SlackMessage {
  text: string;
  unfurl_links: false;
  unfurl_media: false;
}

/**
 * Slack cuts a text at 40,000 characters and asks for at most 4,000; longer texts sent through a
 * webhook may be split into several messages, which can break a `<url|issue>` link in two.
 */
export const SLACK_TEXT_MAX = 4_000;

const ICON = {
  open: ":rotating_light:",
  escalation: ":arrow_double_up:",
  reminder: ":alarm_clock:",
  resolve: ":white_check_mark:",
} as const;

const WHAT = {
  open: "incident opened",
  escalation: "incident escalated",
  reminder: "incident still unacknowledged",
  resolve: "incident resolved",
} as const;

/** The event's line and the evidence that follows it, each bounded. */
function parts(e: IncidentEvent, max: { summary: number; evidence: number }): { head: string; more: string[] } {
  const safe = (url: string | undefined) => (url && /^https?:\/\/[^\s<>|]+$/.test(url) ? url : undefined);
  const link = safe(e.url) ? ` <${e.url}|issue>` : "";
  // The evidence the notifier adds (notify/facts.ts `withEvidence`): where, runbook, rollback.
  const evidence =
    e.details.evidence && !e.summary.includes(e.details.evidence)
      ? `evidence: ${slackText(e.details.evidence, { max: max.evidence })}`
      : "";
  const runbook = safe(e.details.runbook);
  const rollback = safe(e.details.rollback);
  const more = [
    evidence,
    e.details.location && `location: ${slackText(e.details.location, { max: 200 })}`,
    runbook && `<${runbook}|runbook>`,
    rollback && `<${rollback}|roll back>`,
  ].filter((x): x is string => Boolean(x));
  return {
    head: `${ICON[e.event]} *${e.severity} ${WHAT[e.event]}* — ${slackText(e.summary, { max: max.summary })}${link}`,
    more,
  };
}

export function slackMessage(e: IncidentEvent): SlackMessage {
  const { head, more } = parts(e, { summary: 1_000, evidence: 500 });
  return {
    text: `${head}${more.length ? `\n${more.join(" · ")}` : ""}`,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/**
 * Several events in one message: a headline counting them, then one entry per event (its line and
 * evidence; if all do not fit, its line alone; if those do not fit, as many as do and "…and N
 * more"), within SLACK_TEXT_MAX.
 */
export function slackDigest(events: readonly IncidentEvent[]): SlackMessage {
  const header = `${allResolved(events) ? ICON.resolve : ICON.open} *${worstSeverity(events)} · ${digestHeadline(events)}*`;
  const entry = (e: IncidentEvent, tier: number) => {
    if (tier === 0) {
      const { head, more } = parts(e, { summary: 300, evidence: 200 });
      return `• ${head}${more.length ? `\n      ${more.join(" · ")}` : ""}`;
    }
    return `• ${parts(e, { summary: 140, evidence: 0 }).head}`;
  };
  const text = fitDigest(
    events.length,
    2,
    (tier, shown) =>
      [
        header,
        ...events.slice(0, shown).map((e) => entry(e, tier)),
        ...(shown < events.length ? [moreLine(events.length - shown)] : []),
      ].join("\n"),
    (t) => t.length <= SLACK_TEXT_MAX,
  );
  return { text, unfurl_links: false, unfurl_media: false };
}

export function sendSlack(
  webhookUrl: string,
  events: readonly IncidentEvent[],
  timeoutMs: number,
  route: string,
  scrub?: (text: string) => string,
): Promise<void> {
  const message = events.length === 1 ? slackMessage(events[0]!) : slackDigest(events);
  return postJson(webhookUrl, message, timeoutMs, `Slack (${route})`, { ...(scrub && { scrub }) });
}
