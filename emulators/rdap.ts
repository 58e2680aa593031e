/**
 * A loopback RDAP service (RFC 7480 HTTP usage, RFC 9082 queries, RFC 9083 JSON responses) for the
 * `domain` probe's tests and the demo. Two roles, like the real world: a bootstrap redirector
 * (rdap.org answers `/domain/{name}` with a redirect to the registry that IANA's bootstrap file
 * names) and a registry answering `application/rdap+json` domain objects with `events`, `status`
 * and `rdapConformance`, and RFC 9083 §6 error objects for unknown names and bad requests.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RdapDomain {
  /** When the registration expires (the `expiration` event). Absent: no such event is published. */
  expires?: Date;
  registered?: Date;
  /** RFC 9083 §10.2.2 status values, e.g. "client transfer prohibited", "redemption period". */
  status?: string[];
}

export interface RdapServer {
  /** The bootstrap base (what the probe's `rdapUrl` points at): /domain/{name} redirects to the registry. */
  url: string;
  /** The registry's own base URL. */
  registryUrl: string;
  setDomain(name: string, domain: RdapDomain): void;
  /** The next `n` registry answers are 429 with this Retry-After (seconds). */
  throttle(n: number, retryAfterS: number): void;
  /** Request paths seen, with the Accept header, in order. */
  requests: Array<{ path: string; accept: string | undefined }>;
  close(): Promise<void>;
}

const RDAP_JSON = "application/rdap+json";

export async function startRdapServer(domains: Record<string, RdapDomain> = {}): Promise<RdapServer> {
  const known = new Map(Object.entries(domains).map(([k, v]) => [k.toLowerCase(), v]));
  const requests: RdapServer["requests"] = [];
  let throttled = 0;
  let retryAfter = 0;
  let base = "";

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push({ path: url.pathname, accept: req.headers.accept });
    if (req.method !== "GET" && req.method !== "HEAD")
      return error(res, 405, "Method Not Allowed", ["RDAP queries are GET or HEAD (RFC 7480 §4)"]);
    const boot = /^\/domain\/([^/]+)$/.exec(url.pathname);
    if (boot) {
      // The redirector: 302 with a Location on the registry, as rdap.org does (RFC 7480 §5.2).
      res.writeHead(302, { location: `${base}/registry/domain/${boot[1]}`, "content-type": RDAP_JSON }).end();
      return;
    }
    const m = /^\/registry\/domain\/([^/]+)$/.exec(url.pathname);
    if (!m)
      return error(res, 400, "Bad Request", [
        "unsupported query; this registry answers /domain/{name} (RFC 9082 §3.1.3)",
      ]);
    if (throttled > 0) {
      throttled--;
      return error(res, 429, "Too Many Requests", ["query rate exceeded"], { "retry-after": String(retryAfter) });
    }
    const name = decodeURIComponent(m[1]!).toLowerCase().replace(/\.$/, "");
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(name))
      return error(res, 400, "Bad Request", ["the domain name is malformed"]);
    const d = known.get(name);
    if (!d) return error(res, 404, "Not Found", [`${name} is not registered here`]);
    const events = [
      ...(d.registered ? [{ eventAction: "registration", eventDate: d.registered.toISOString() }] : []),
      ...(d.expires ? [{ eventAction: "expiration", eventDate: d.expires.toISOString() }] : []),
      { eventAction: "last update of RDAP database", eventDate: new Date().toISOString() },
    ];
    send(res, 200, {
      objectClassName: "domain",
      rdapConformance: ["rdap_level_0", "icann_rdap_response_profile_0", "icann_rdap_technical_implementation_guide_0"],
      handle: `${name.toUpperCase().replace(/\./g, "_")}-EMU`,
      ldhName: name,
      status: d.status ?? ["client transfer prohibited"],
      events,
      entities: [
        {
          objectClassName: "entity",
          handle: "9999",
          roles: ["registrar"],
          vcardArray: [
            "vcard",
            [
              ["version", {}, "text", "4.0"],
              ["fn", {}, "text", "Emulated Registrar"],
            ],
          ],
        },
      ],
      links: [
        {
          value: `${base}/registry/domain/${name}`,
          rel: "self",
          href: `${base}/registry/domain/${name}`,
          type: RDAP_JSON,
        },
      ],
      notices: [{ title: "Terms of Use", description: ["A loopback emulator for tests."] }],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    registryUrl: `${base}/registry`,
    setDomain: (name, domain) => void known.set(name.toLowerCase(), domain),
    throttle: (n, s) => {
      throttled = n;
      retryAfter = s;
    },
    requests,
    close: () => close(server),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": RDAP_JSON, ...headers }).end(JSON.stringify(body));
}

/** An RFC 9083 §6 error response object. */
function error(
  res: ServerResponse,
  code: number,
  title: string,
  description: string[],
  headers: Record<string, string> = {},
): void {
  send(res, code, { errorCode: code, title, description, rdapConformance: ["rdap_level_0"] }, headers);
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
