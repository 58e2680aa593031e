import { z } from "zod";
import { Id, SecretString } from "./units.ts";

/**
 * Notification channels beyond Slack and PagerDuty (issue 12 §5): a generic JSON webhook, Microsoft
 * Teams, Discord and email over SMTP. Each is named under `notifications.channels` and routed by
 * severity through `notifications.routes`, like the built-in routes.
 */

/** What a webhook body template may say; each `{{name}}` is replaced by the value, JSON-escaped. */
export const TEMPLATE_PLACEHOLDERS = {
  event: "open, escalation or resolve",
  key: 'the incident key ("service:chatwoot")',
  service: "the service or group id",
  name: "the service or group name",
  environment: "production, staging or shared",
  status: "down, degraded, up, …",
  severity: "P0 … P3",
  reason: "the evidence: the failing assertion, status codes, p95, successes",
  summary: "one line saying what happened",
  location: "what was probed (the URL or app as written in the config; secret references stay names)",
  issueUrl: "the incident issue's address",
  runbookUrl: "the runbook link",
  rollbackUrl: "the link that dispatches rollback.yml (empty when the service has no rollback)",
  time: "when the event happened (ISO 8601)",
} as const;

export type Placeholder = keyof typeof TEMPLATE_PLACEHOLDERS;
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Problems with a body template (parsed JSON): unknown placeholders, placeholders in keys. */
export function templateProblems(body: unknown): string[] {
  const out: string[] = [];
  const check = (text: string, where: string, inKey: boolean) => {
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (inKey) out.push(`placeholders only in string values (${where} has {{${m[1]}}} in a key)`);
      else if (!(m[1]! in TEMPLATE_PLACEHOLDERS))
        out.push(
          `known placeholders only (${where} has {{${m[1]}}}; known: ${Object.keys(TEMPLATE_PLACEHOLDERS).join(", ")})`,
        );
    }
  };
  const walk = (v: unknown, where: string) => {
    if (typeof v === "string") check(v, where, false);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        check(k, where || "body", true);
        walk(x, `${where}.${k}`);
      }
    }
  };
  walk(body, "body");
  return out;
}

/** Fills every `{{name}}` in the template's string values; JSON.stringify of the result escapes them. */
export function fillTemplate(body: unknown, values: Readonly<Record<Placeholder, string>>): unknown {
  if (typeof body === "string")
    return body.replace(PLACEHOLDER, (_, name: string) => values[name as Placeholder] ?? "");
  if (Array.isArray(body)) return body.map((x) => fillTemplate(x, values));
  if (body && typeof body === "object")
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillTemplate(v, values)]));
  return body;
}

const WebhookBody = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
  .transform((value, ctx) => {
    let parsed: unknown = value;
    if (typeof value === "string") {
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `a JSON text (${(error as Error).message}); write placeholders inside strings, e.g. "text": "{{service}} is {{status}}"`,
        });
        return z.NEVER;
      }
    }
    for (const p of templateProblems(parsed)) ctx.addIssue({ code: "custom", message: p });
    return parsed;
  })
  .meta({
    description:
      "The JSON body to POST: a JSON text or a YAML mapping. Placeholders {{service}}, {{name}}, {{environment}}, {{status}}, {{severity}}, " +
      "{{event}}, {{reason}}, {{summary}}, {{location}}, {{issueUrl}}, {{runbookUrl}}, {{rollbackUrl}}, {{key}}, {{time}} may appear inside string values " +
      "and are replaced JSON-escaped. Checked when the config is loaded. Default: an object with every placeholder as a field.",
  });

const Url = SecretString.describe("The webhook URL; it carries a token, so write it as a ${NAME} secret reference.");

export const WebhookChannel = z.strictObject({
  type: z.literal("webhook").describe("A generic webhook: one JSON POST per event."),
  url: Url,
  headers: z
    .record(z.string(), SecretString)
    .default({})
    .describe("Extra request headers, e.g. Authorization: Bearer ${TOKEN}; values may hold ${NAME} references."),
  body: WebhookBody.optional(),
});

export const TeamsChannel = z.strictObject({
  type: z
    .literal("teams")
    .describe("Microsoft Teams: an Adaptive Card posted to a Workflows (Power Automate) or incoming-webhook URL."),
  url: Url,
});

export const DiscordChannel = z.strictObject({
  type: z
    .literal("discord")
    .describe("Discord: a channel webhook; mentions are never parsed (allowed_mentions: {parse: []})."),
  url: Url,
  username: z
    .string()
    .max(80)
    .optional()
    .describe("The name the message is posted under; default: the webhook's own name."),
});

export const EmailChannel = z.strictObject({
  type: z.literal("email").describe("Email over SMTP: one message per run, listing its events when there are several."),
  host: SecretString.describe("The SMTP server's host name."),
  port: z
    .number()
    .int()
    .min(1)
    .max(65_535)
    .default(587)
    .describe("The SMTP port: 587 for STARTTLS, 465 for implicit TLS, 25 between servers."),
  tls: z
    .enum(["starttls", "implicit", "none"])
    .default("starttls")
    .describe(
      "starttls: upgrade with STARTTLS and refuse a server that cannot; implicit: TLS from the first byte (port 465); none: plain text (loopback relays only).",
    ),
  username: SecretString.optional().describe(
    "SMTP AUTH user; a ${NAME} reference. Omit for a relay that needs no login.",
  ),
  password: SecretString.optional().describe("SMTP AUTH password; always a ${NAME} reference."),
  ca: SecretString.optional().describe(
    "PEM certificate of a private CA to trust for the server's TLS certificate; default: the system's CAs.",
  ),
  from: z.string().min(3).describe('The sender, e.g. "HotDash Ops <ops@example.com>".'),
  to: z.array(z.string().min(3)).min(1).describe("Recipients (addresses or distribution lists)."),
});

export const Channel = z
  .discriminatedUnion("type", [WebhookChannel, TeamsChannel, DiscordChannel, EmailChannel])
  .describe("A notification channel; `type` says which kind.");

/** Built-in routes; every other route name is a key of `notifications.channels`. */
export const BUILTIN_ROUTES = ["slack-emergency", "slack-alerts", "pagerduty"] as const;

export const RouteName = z
  .union([z.enum(BUILTIN_ROUTES), Id])
  .describe("slack-emergency, slack-alerts, pagerduty, or the name of a channel under notifications.channels.");

export const Channels = z
  .record(Id, Channel)
  .default({})
  .describe("Named channels (webhook, teams, discord, email); list a channel's name under `routes` to send to it.");

export type ChannelConfig = z.output<typeof Channel>;
export type WebhookChannelConfig = z.output<typeof WebhookChannel>;
export type TeamsChannelConfig = z.output<typeof TeamsChannel>;
export type DiscordChannelConfig = z.output<typeof DiscordChannel>;
export type EmailChannelConfig = z.output<typeof EmailChannel>;
