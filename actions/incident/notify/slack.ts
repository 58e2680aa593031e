import { slackText } from "../../shared/text/inert.ts";
import type { IncidentEvent } from "./types.ts";
import { postJson } from "./post.ts";

/**
 * Slack incoming webhook: one message per event, with a link to the issue. The summary quotes a
 * service's own words, so it is escaped for mrkdwn (no `<!channel>`, `<@U…>` or `<url|text>`), and
 * unfurling is off: Slack never fetches a URL a service put in its answer.
 */
export function slackMessage(e: IncidentEvent): { text: string; unfurl_links: false; unfurl_media: false } {
  const icon = { open: ":rotating_light:", escalation: ":arrow_double_up:", resolve: ":white_check_mark:" }[e.event];
  const what = { open: "incident opened", escalation: "incident escalated", resolve: "incident resolved" }[e.event];
  const link = e.url && /^https?:\/\/[^\s<>|]+$/.test(e.url) ? ` <${e.url}|issue>` : "";
  return { text: `${icon} *${e.severity} ${what}* — ${slackText(e.summary, { max: 1_000 })}${link}`, unfurl_links: false, unfurl_media: false };
}

export function sendSlack(webhookUrl: string, e: IncidentEvent, timeoutMs: number, route: string, scrub?: (text: string) => string): Promise<void> {
  return postJson(webhookUrl, slackMessage(e), timeoutMs, `Slack (${route})`, scrub);
}
