import { slackText } from "../../shared/text/inert.ts";
import type { IncidentEvent } from "./types.ts";
import { postJson } from "./post.ts";

/**
 * Slack incoming webhook: one message per event, with a link to the issue. The summary quotes a
 * service's own words, so it is escaped for mrkdwn (no `<!channel>`, `<@U…>` or `<url|text>`), and
 * unfurling is off: Slack never fetches a URL a service put in its answer.
 */
export function slackMessage(e: IncidentEvent): { text: string; unfurl_links: false; unfurl_media: false } {
  const icon = {
    open: ":rotating_light:",
    escalation: ":arrow_double_up:",
    reminder: ":alarm_clock:",
    resolve: ":white_check_mark:",
  }[e.event];
  const what = {
    open: "incident opened",
    escalation: "incident escalated",
    reminder: "incident still unacknowledged",
    resolve: "incident resolved",
  }[e.event];
  const safe = (url: string | undefined) => (url && /^https?:\/\/[^\s<>|]+$/.test(url) ? url : undefined);
  const link = safe(e.url) ? ` <${e.url}|issue>` : "";
  // The evidence the notifier adds (notify/facts.ts `withEvidence`): where, runbook, rollback.
  const evidence =
    e.details.evidence && !e.summary.includes(e.details.evidence)
      ? `evidence: ${slackText(e.details.evidence, { max: 500 })}`
      : "";
  const runbook = safe(e.details.runbook);
  const rollback = safe(e.details.rollback);
  const more = [
    evidence,
    e.details.location && `location: ${slackText(e.details.location, { max: 200 })}`,
    runbook && `<${runbook}|runbook>`,
    rollback && `<${rollback}|roll back>`,
  ].filter(Boolean);
  return {
    text: `${icon} *${e.severity} ${what}* — ${slackText(e.summary, { max: 1_000 })}${link}${more.length ? `\n${more.join(" · ")}` : ""}`,
    unfurl_links: false,
    unfurl_media: false,
  };
}

export function sendSlack(
  webhookUrl: string,
  e: IncidentEvent,
  timeoutMs: number,
  route: string,
  scrub?: (text: string) => string,
): Promise<void> {
  return postJson(webhookUrl, slackMessage(e), timeoutMs, `Slack (${route})`, { ...(scrub && { scrub }) });
}
