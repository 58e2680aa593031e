import {
  fillTemplate,
  TEMPLATE_PLACEHOLDERS,
  type Placeholder,
  type WebhookChannelConfig,
} from "../../shared/config/schema/channels.ts";
import type { MessageFacts } from "./facts.ts";
import { postJson } from "./post.ts";

/** Without a template: every placeholder as a field of its own name. */
export const DEFAULT_WEBHOOK_BODY: Record<string, string> = Object.fromEntries(
  Object.keys(TEMPLATE_PLACEHOLDERS).map((k) => [k, `{{${k}}}`]),
);

/**
 * A generic JSON webhook. The template was parsed and checked at config load; values are put into
 * its string values and the whole is serialised once, so a reason holding quotes, backslashes or
 * newlines cannot break out of its string.
 */
export function webhookBody(channel: Pick<WebhookChannelConfig, "body">, f: MessageFacts): unknown {
  const values = Object.fromEntries(Object.keys(TEMPLATE_PLACEHOLDERS).map((k) => [k, f[k as Placeholder]])) as Record<
    Placeholder,
    string
  >;
  return fillTemplate(channel.body ?? DEFAULT_WEBHOOK_BODY, values);
}

export function sendWebhook(
  name: string,
  channel: WebhookChannelConfig,
  f: MessageFacts,
  timeoutMs: number,
): Promise<void> {
  return postJson(channel.url, webhookBody(channel, f), timeoutMs, `webhook (${name})`, {
    ...(channel.headers && { headers: channel.headers }),
  });
}
