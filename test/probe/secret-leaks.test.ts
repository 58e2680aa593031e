import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "../../actions/incident/notify/index.ts";
import { manualClock } from "../../actions/shared/clock.ts";
import { formsOf } from "../../actions/shared/config/redactor.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor, resolveSecrets } from "../../actions/shared/config/secrets.ts";
import { probeService } from "../../actions/shared/probe/engine.ts";
import { describeFailure } from "../../actions/shared/probe/result.ts";

/**
 * Property: whatever a secret looks like (quotes, backslashes, unicode, URL metacharacters), and
 * however a hostile service echoes it back (an answer body cut to 80 characters, a JSON assertion,
 * a content-type header, a health answer, a Fly check output, a notifier's error answer), no form
 * of it — plain, URL/form-encoded, JSON-escaped, base64, nor a prefix or suffix of 8+ characters —
 * appears in any output: results, failure lines, request bodies sent to notifiers, errors.
 */
const ASCII = [
  ..."abcdefghijkLMNOPQRSTUVWXYZ0123456789",
  '"',
  "'",
  "\\",
  "%",
  "&",
  "=",
  "+",
  "/",
  "?",
  "#",
  "@",
  ":",
  " ",
  "<",
  ">",
  "|",
  "`",
  "~",
];
/** Unicode cannot travel in a header (undici refuses it, a failure path of its own); in a body it can. */
const UNICODE = [...ASCII, "é", "中", "😀", "\u2028", "\u0000"];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function secretOf(rand: () => number, alphabet: readonly string[]): string {
  const n = 8 + Math.floor(rand() * 30);
  // Always some letters, so the value is not all punctuation.
  return `Sk${Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("")}z9`;
}

/** Everything a leak could look like. */
function leakForms(secret: string): string[] {
  const out = new Set(formsOf(secret).filter((f) => f.length >= 4));
  for (const f of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
    for (let k = 8; k < f.length; k++) {
      out.add(f.slice(0, k));
      out.add(f.slice(f.length - k));
    }
  }
  return [...out];
}

let url = "";
let server: ReturnType<typeof createServer>;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push(body);
      // The secret arrives in the Authorization header, or as the body of a POST to /http/.
      const auth = req.url?.startsWith("/http/")
        ? body
        : String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      const echo = `${"x".repeat(60)}${auth}${"y".repeat(40)}`;
      const path = req.url ?? "/";
      if (path.startsWith("/http/")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ token: `not-${auth}`, echoed: echo }));
      } else if (path.startsWith("/prom/")) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(echo);
      } else if (path.startsWith("/mcp-health")) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(echo);
      } else if (path.startsWith("/mcp")) {
        // A content type quoting the token (Latin-1 only can travel in a header).
        res.writeHead(200, {
          "content-type": `text/x-${Buffer.from(auth, "utf8")
            .toString("latin1")
            .replace(/[^\x20-\x7e]/g, "?")}`,
        });
        res.end("{}");
      } else if (path.startsWith("/fly/")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify([
            {
              id: "m1",
              state: "started",
              checks: [{ name: "hc", status: "critical", output: `${"o".repeat(70)}${auth}` }],
            },
          ]),
        );
      } else if (path.startsWith("/pd")) {
        const key = (JSON.parse(body) as { routing_key?: string }).routing_key ?? "";
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ status: "invalid event", message: `${"m".repeat(150)} routing key ${key} is unknown` }),
        );
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function configFor(): OpsConfig {
  const http = (id: string, probe: Record<string, unknown>) => ({
    id,
    name: id,
    environment: "production",
    criticality: "high",
    probe,
  });
  return OpsConfig.parse({
    defaults: { samples: 1, timeout: "2s", retryDelay: "0s", confirmWindow: "0s" },
    services: [
      http("json-equals", {
        type: "http",
        url: `${url}/http/a`,
        method: "POST",
        body: "${TOKEN}",
        expect: { json: [{ path: "token", equals: "${TOKEN}" }] },
      }),
      http("body-contains", {
        type: "http",
        url: `${url}/http/b`,
        method: "POST",
        body: "${TOKEN}",
        expect: { contains: ["${TOKEN}-missing"] },
      }),
      http("query", { type: "http", url: `${url}/nothing-here?key=\${TOKEN}`, expect: { status: [200] } }),
      http("prometheus", { type: "prometheus", url: `${url}/prom`, query: "up", token: "${TOKEN}" }),
      http("mcp", { type: "mcp", url: `${url}/mcp`, headers: { authorization: "Bearer ${TOKEN}" } }),
      http("fly", { type: "fly", app: "app", token: "${TOKEN}", apiUrl: `${url}/fly` }),
    ],
  });
}

describe("random secrets never leak, in any encoding, through any probe kind or failure path", () => {
  const rand = random(20261122);
  const secrets = [
    ...Array.from({ length: 5 }, () => secretOf(rand, ASCII)),
    ...Array.from({ length: 5 }, () => secretOf(rand, UNICODE)),
  ];

  for (const secret of secrets) {
    it(`hides ${JSON.stringify(secret)}`, async () => {
      const config = configFor();
      const redactor = createRedactor();
      const env = { TOKEN: secret };
      const clock = manualClock("2026-11-22T16:00:00Z");
      const outputs: string[] = [];
      for (const service of config.services) {
        const r = await probeService({ service, defaults: config.defaults, clock, env, redactor });
        outputs.push(JSON.stringify(r));
        for (const s of r.samples) if (s.failure) outputs.push(describeFailure(s.failure));
        // Each kind really failed, so its failure path ran.
        expect(r.samples.some((s) => s.failure) || r.inconclusive, service.id).toBeTruthy();
      }
      const notifications = OpsConfig.parse({
        services: configFor()
          .services.slice(0, 1)
          .map((x) => ({ ...x, probe: { type: "http", url } })),
        notifications: { pagerduty: { routingKey: "${TOKEN}", url: `${url}/pd` } },
      }).notifications;
      const resolved = resolveSecrets(notifications, env, redactor);
      if (!resolved.ok) throw new Error("test setup");
      const [deliveries = []] = await createNotifier({ config: resolved.value, redactor }).sendBatch([
        {
          event: "open",
          key: "service:x",
          severity: "P0",
          summary: `x down: ${secret}`,
          source: "x",
          environment: "production",
          details: { evidence: secret },
        },
      ]);
      expect(deliveries.some((d) => !d.ok && d.error?.includes("answered 400"))).toBe(true);
      outputs.push(JSON.stringify(deliveries));
      const sentToNotifier = seen.filter((b) => b.includes("routing_key")).at(-1)!;
      // The routing key must reach PagerDuty; the summary and details must not carry it.
      const event = JSON.parse(sentToNotifier) as { routing_key: string; payload: unknown };
      expect(event.routing_key).toBe(secret);
      outputs.push(JSON.stringify(event.payload));

      const _all = outputs.join("\n");
      for (const form of leakForms(secret)) {
        const where = outputs.find((o) => o.includes(form));
        expect(where, `leaked ${JSON.stringify(form)}`).toBeUndefined();
      }
    });
  }
});
