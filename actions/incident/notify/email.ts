import type { EmailChannelConfig } from "../../shared/config/schema/channels.ts";
import { evidenceLines, type MessageFacts } from "./facts.ts";

/**
 * Email over SMTP with nodemailer (not a hand-written client): it does STARTTLS, AUTH, dot-stuffing,
 * line folding and RFC 2047 encoding of non-ASCII headers, each a classic source of bugs or of
 * header injection in small SMTP clients, and it has no dependencies of its own. One connection
 * per message (no pool): a run sends a handful at most. Every phase has the route's timeout.
 */
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

export async function sendEmail(
  name: string,
  channel: EmailChannelConfig,
  f: MessageFacts,
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
    await transport.sendMail(emailMessage(channel, f));
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
