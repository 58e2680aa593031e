import type { EmailChannelConfig } from "../../shared/config/schema/channels.ts";
import { plainText } from "../../shared/text/inert.ts";
import { digestHeadline, fitDigest, moreLine, worstSeverity } from "./digest.ts";
import { evidenceLines, type MessageFacts } from "./facts.ts";

/**
 * Email over SMTP with nodemailer (not a hand-written client): it does STARTTLS, AUTH, dot-stuffing,
 * line folding and RFC 2047 encoding of non-ASCII headers, each a classic source of bugs or of
 * header injection in small SMTP clients, and it has no dependencies of its own. One connection
 * per message (no pool): a run sends one per route at most, several events being one digest.
 * Every phase has the route's timeout.
 */

/** A digest's text stays under this (mail servers take far more; a reader does not). */
export const EMAIL_DIGEST_CHARS = 100_000;

export function emailMessage(channel: Pick<EmailChannelConfig, "from" | "to">, f: MessageFacts) {
  const lines = [
    f.summary,
    "",
    ...evidenceLines(f).map(([k, v]) => `${k}: ${v}`),
    "",
    `Incident ${f.key}, ${f.time}.`,
    "Sent by HotDash Ops.",
  ];
  return {
    from: channel.from,
    to: channel.to,
    // One line; nodemailer encodes what is not ASCII.
    subject: `[${f.severity}] ${f.title}`.replace(/[\r\n]+/g, " "),
    text: `${lines.join("\n")}\n`,
  };
}

/**
 * Several events in one mail: per event its title, summary and evidence, one line each (leaner: the
 * issue link only; then as many as fit and "…and N more").
 */
export function emailDigest(channel: Pick<EmailChannelConfig, "from" | "to">, list: readonly MessageFacts[]) {
  const entry = (f: MessageFacts, tier: number) =>
    [
      plainText(`${f.title} (${f.key})`, { max: 300 }),
      plainText(f.summary, { max: tier === 0 ? 1_000 : 300 }),
      ...evidenceLines(f)
        .filter(([k]) => tier === 0 || k === "Issue")
        .map(([k, v]) => `${k}: ${plainText(v, { max: 1_000 })}`),
    ].join("\n");
  const text = fitDigest(
    list.length,
    2,
    (tier, shown) =>
      `${[
        ...list.slice(0, shown).map((f) => entry(f, tier)),
        ...(shown < list.length ? [moreLine(list.length - shown)] : []),
        `${list[0]!.time}. Sent by HotDash Ops.`,
      ].join("\n\n")}\n`,
    (t) => t.length <= EMAIL_DIGEST_CHARS,
  );
  return {
    from: channel.from,
    to: channel.to,
    subject: `[${worstSeverity(list)}] ${digestHeadline(list)}`,
    text,
  };
}

export async function sendEmail(
  name: string,
  channel: EmailChannelConfig,
  list: readonly MessageFacts[],
  timeoutMs: number,
): Promise<void> {
  const label = `email (${name})`;
  // Loaded when a message is sent, not by every run that may notify: with its ESM entry's import
  // of node:http it costs about 50 ms of start-up.
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.tls === "implicit",
    requireTLS: channel.tls === "starttls",
    ignoreTLS: channel.tls === "none",
    ...(channel.username || channel.password
      ? { auth: { user: channel.username ?? "", pass: channel.password ?? "" } }
      : {}),
    ...(channel.ca ? { tls: { ca: channel.ca } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  try {
    await transport.sendMail(list.length === 1 ? emailMessage(channel, list[0]!) : emailDigest(channel, list));
  } catch (error) {
    const e = error as { code?: string; responseCode?: number; message?: string };
    const what = [e.code, e.responseCode].filter(Boolean).join(" ");
    throw new Error(
      `${label}: not sent (${what || "failed"}): ${(e.message ?? String(error)).replace(/\s+/g, " ").slice(0, 200)}`,
      { cause: error },
    );
  } finally {
    transport.close();
  }
}
