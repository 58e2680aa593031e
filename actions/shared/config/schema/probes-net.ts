/** Probe kinds below or beside HTTP: tcp, dns, domain (RDAP), websocket. */
import { z } from "zod";
import { SecretString } from "./units.ts";
import { Headers } from "./http.ts";

/** A host name (LDH labels, optionally ending in a dot) or an IP literal. */
const HostName = z
  .string()
  .regex(
    /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$|^[0-9a-fA-F:.]+$/,
    {
      message: 'a host name such as "hotdash-chatwoot.fly.dev" or an IP address',
    },
  );

export const TcpProbe = z.strictObject({
  type: z
    .literal("tcp")
    .describe("TCP connect (optionally TLS, a message sent and a substring expected): databases, Redis, SMTP."),
  host: SecretString.describe("Host name or IP address to connect to; may be a ${SECRET}.").meta({
    examples: ["db.hotdash.internal", "127.0.0.1"],
  }),
  port: z
    .number()
    .int()
    .min(1)
    .max(65_535)
    .describe("TCP port.")
    .meta({ examples: [5432, 6379, 25] }),
  tls: z
    .boolean()
    .default(false)
    .describe("Do a TLS handshake after connecting and report the certificate's days left (thresholds.certDays)."),
  servername: z
    .string()
    .optional()
    .describe("TLS server name (SNI) and the name the certificate must match; default `host`."),
  verifyTls: z
    .boolean()
    .default(true)
    .describe("Reject an invalid certificate (the default). false still reports days until expiry."),
  send: SecretString.optional().describe(
    'Text written once connected (escapes such as \\r\\n are written as YAML escapes), e.g. "PING\\r\\n" for Redis.',
  ),
  expect: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A substring the first answer must contain, e.g. "+PONG" (Redis) or "220 " (an SMTP greeting). Without it, connecting is enough.',
    ),
});

export const DnsRecordType = z.enum(["A", "AAAA", "CNAME", "TXT"]);

export const DnsProbe = z.strictObject({
  type: z.literal("dns").describe("DNS: resolve a name and check the answer."),
  name: HostName.describe("The name to resolve.").meta({ examples: ["hotdash-chatwoot.fly.dev"] }),
  record: DnsRecordType.default("A").describe("Record type to ask for."),
  resolver: z
    .string()
    .regex(/^(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|\[[0-9a-fA-F:]+\](?::\d{1,5})?|[0-9a-fA-F:]+)$/, {
      message: 'a resolver address such as "1.1.1.1", "1.1.1.1:53" or "[2606:4700:4700::1111]:53"',
    })
    .optional()
    .describe("The DNS server to ask (IP, or IP:port); default the runner's resolvers.")
    .meta({ examples: ["1.1.1.1", "8.8.8.8:53"] }),
  expect: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Values that must all be in the answer (addresses, a CNAME target, TXT strings). Empty: any answer passes; NXDOMAIN, SERVFAIL and no records fail.",
    ),
});

export const DomainProbe = z.strictObject({
  type: z
    .literal("domain")
    .describe(
      "Domain registration: days until it expires (RDAP), read as `value`; rate it with thresholds.value direction below.",
    ),
  domain: HostName.describe("The registered domain whose expiry is checked (the one you pay a registrar for).").meta({
    examples: ["hotdash.app"],
  }),
  rdapUrl: z
    .string()
    .url()
    .default("https://rdap.org")
    .describe(
      "RDAP base URL (RFC 9082); the probe asks {rdapUrl}/domain/{domain} and follows redirects to the registry. Default rdap.org, which redirects per IANA's bootstrap.",
    ),
});

export const WebSocketProbe = z.strictObject({
  type: z
    .literal("websocket")
    .describe("WebSocket: open the connection, optionally send a message and expect an answer."),
  url: SecretString.describe("ws:// or wss:// URL; may contain ${SECRET} references.").meta({
    examples: ["wss://hotdash-chatwoot.fly.dev/cable"],
  }),
  headers: Headers.default({}).describe(
    "Headers sent with the opening handshake (Origin, Authorization…); values may contain ${SECRET}.",
  ),
  send: SecretString.optional().describe("A text message sent once the connection is open."),
  expect: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A substring the first matching text message must contain (e.g. "welcome" for Action Cable). Without it, opening is enough.',
    ),
  verifyTls: z.boolean().default(true).describe("Reject invalid certificates (the default)."),
});

export type TcpProbeConfig = z.output<typeof TcpProbe>;
export type DnsProbeConfig = z.output<typeof DnsProbe>;
export type DomainProbeConfig = z.output<typeof DomainProbe>;
export type WebSocketProbeConfig = z.output<typeof WebSocketProbe>;
