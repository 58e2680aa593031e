import type { IncidentEvent } from "./types.ts";
import { postJson } from "./post.ts";

/** Slack incoming webhook: one message per event, with a link to the issue. */
export function slackMessage(e: IncidentEvent): { text: string } {
  const icon = { open: ":rotating_light:", escalation: ":arrow_double_up:", resolve: ":white_check_mark:" }[e.event];
  const what = { open: "incident opened", escalation: "incident escalated", resolve: "incident resolved" }[e.event];
  const link = e.url && e.url.startsWith("http") ? ` <${e.url}|issue>` : "";
  // The evidence the notifier adds (notify/facts.ts `withEvidence`): where, runbook, rollback.
  const evidence = e.details.evidence && !e.summary.includes(e.details.evidence) ? `evidence: ${e.details.evidence}` : "";
  const more = [evidence, e.details.location && `location: ${e.details.location}`, e.details.runbook && `<${e.details.runbook}|runbook>`, e.details.rollback && `<${e.details.rollback}|roll back>`].filter(Boolean);
  return { text: `${icon} *${e.severity} ${what}* — ${e.summary}${link}${more.length ? `\n${more.join(" · ")}` : ""}` };
}

export function sendSlack(webhookUrl: string, e: IncidentEvent, timeoutMs: number, route: string): Promise<void> {
  return postJson(webhookUrl, slackMessage(e), timeoutMs, `Slack (${route})`);
}
