import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createNotifier } from "../../actions/incident/notify/index.ts";
import { Notifications } from "../../actions/shared/config/schema/incidents.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";

/**
 * A notifier's answer is quoted in an error, never read whole: two 256 MiB answers once took the
 * process to 3.3 GB. The receiver streams 256 MiB per answer; the notifier reads 4 KiB and hangs up.
 */
const ANSWER_BYTES = 256 * 1024 * 1024;
let url = "";
let written = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(500, { "content-type": "text/plain", "content-length": String(ANSWER_BYTES) });
    const chunk = Buffer.alloc(64 * 1024, "e");
    let sent = 0;
    const pump = () => {
      while (sent < ANSWER_BYTES) {
        sent += chunk.length;
        written += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

it("reads at most a few KB of a huge error answer, so memory stays bounded", async () => {
  const config = Notifications.parse({
    slack: { emergency: `${url}/slack` },
    pagerduty: { routingKey: "R0UT1NGK3Y-0123456789abcdef", url: `${url}/pd` },
    timeout: "20s",
  });
  const notifier = createNotifier({ config, redactor: createRedactor() });
  const before = process.memoryUsage().rss;
  const [deliveries = []] = await notifier.sendBatch([
    {
      event: "open",
      key: "service:x",
      severity: "P0",
      summary: "x down",
      source: "x",
      environment: "production",
      details: {},
    },
  ]);
  const grew = process.memoryUsage().rss - before;
  expect(deliveries.map((d) => d.route).sort()).toEqual(["pagerduty", "slack-emergency"]);
  for (const d of deliveries) {
    expect(d.ok).toBe(false);
    expect(d.error).toMatch(/answered 500 \(e{200}\)$/);
  }
  // Two answers of 256 MiB: the server could push only what the socket buffers took before the hang-up.
  expect(written).toBeLessThan(2 * 16 * 1024 * 1024);
  expect(grew).toBeLessThan(64 * 1024 * 1024);
}, 30_000);
