import { slackText } from "../../shared/text/inert.ts";
import { allResolved, digestHeadline, fitDigest, moreLine, shortLabel, worstSeverity } from "./digest.ts";
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

/** The event's summary and issue link, and the evidence that follows them, each bounded. */
function parts(e: IncidentEvent, max: { summary: number; evidence: number }): { line: string; more: string[] } {
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
  return { line: `${slackText(e.summary, { max: max.summary })}${link}`, more };
}

export function slackMessage(e: IncidentEvent): SlackMessage {
  const { line, more } = parts(e, { summary: 1_000, evidence: 500 });
  return {
    text: `${ICON[e.event]} *${e.severity} ${WHAT[e.event]}* — ${line}${more.length ? `\n${more.join(" · ")}` : ""}`,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/**
 * Several events in one message: a headline counting them, then one entry per event, as rich as
 * SLACK_TEXT_MAX allows for all of them: its line and evidence; its line; a shorter line; else as
 * many short lines as fit and "…and N more".
 */
export function slackDigest(events: readonly IncidentEvent[]): SlackMessage {
  const header = `${allResolved(events) ? ICON.resolve : ICON.open} *${worstSeverity(events)} · ${digestHeadline(events)}*`;
  const entry = (e: IncidentEvent, tier: number) => {
    const label = `${ICON[e.event]} *${e.severity} ${WHAT[e.event]}* —`;
    if (tier === 0) {
      const { line, more } = parts(e, { summary: 300, evidence: 200 });
      return `• ${label} ${line}${more.length ? `\n      ${more.join(" · ")}` : ""}`;
    }
    if (tier === 1) return `• ${label} ${parts(e, { summary: 160, evidence: 0 }).line}`;
    return `• *${shortLabel(e)}* ${parts(e, { summary: 80, evidence: 0 }).line}`;
  };
  const text = fitDigest(
    events.length,
    3,
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
