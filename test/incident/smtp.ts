import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A real SMTP server on loopback (the `smtp-server` package) that keeps every message it accepts. */
export interface SmtpPeer {
  port: number;
  messages: Array<{ from: string; to: string[]; raw: string; user?: string }>;
  /** Secure (after STARTTLS) for each accepted session, in order. */
  secure: boolean[];
  close(): Promise<void>;
}

export interface SmtpPeerOptions {
  /** Require AUTH with this user and password. */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with this certificate; without it STARTTLS is not offered. */
  tls?: { key: string; cert: string };
}

export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const peer: SmtpPeer = { port: 0, messages: [], secure: [], close: async () => {} };
  const server = new SMTPServer({
    logger: false,
    banner: "loopback test peer",
    authOptional: !options.auth,
    allowInsecureAuth: true,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ["STARTTLS"] }),
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return callback(null, { user: auth.username });
      return callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        peer.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          ...(typeof session.user === "string" ? { user: session.user } : {}),
        });
        peer.secure.push(session.secure);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  peer.port = (server.server.address() as AddressInfo).port;
  peer.close = () => new Promise((resolve) => server.close(() => resolve()));
  return peer;
}

/** The message's headers unfolded, and its text body decoded from quoted-printable. */
export function readMail(raw: string): { headers: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  let body = raw.slice(split + 4);
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    const bytes = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    body = Buffer.from(bytes, "latin1").toString("utf8");
  }
  return { headers, text: body.replace(/\r\n/g, "\n") };
}
