import { createServer } from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { probeService } from "../../actions/shared/probe/engine.ts";
import { httpProbe } from "../../actions/shared/probe/http.ts";
import { deps, httpConfig, opts } from "./helpers.ts";

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

/** A raw TCP peer that answers every request with `answer` (bytes as given). */
async function rawPeer(answer: string): Promise<string> {
  const server = net.createServer((s) => {
    s.on("error", () => {});
    s.once("data", () => s.write(answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}

describe("answers the HTTP parser rejects are protocol failures", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "a header block over undici's limit",
      `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\n`,
      /^UND_ERR_HEADERS_OVERFLOW/,
    ],
    ["bad chunking", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", /chunk size/],
    ["something that is not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n", /does not match the HTTP\/1\.1 protocol/],
  ];
  for (const [what, answer, detail] of cases) {
    it(what, async () => {
      const sample = await httpProbe(httpConfig({ url: await rawPeer(answer) }), opts(), deps());
      expect(sample.failure?.kind).toBe("protocol");
      expect(sample.failure).toMatchObject({ detail: expect.stringMatching(detail) });
    });
  }
});

describe("credentials in the URL", () => {
  const PASSWORD = "s3cr3t:p@ss/word";
  async function basicAuthServer(): Promise<{ url: string; seen: Array<string | undefined> }> {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const ok = req.headers.authorization === `Basic ${Buffer.from(`ops:${PASSWORD}`).toString("base64")}`;
      res
        .writeHead(ok ? 200 : 401, { "www-authenticate": 'Basic realm="x"' })
        .end(ok ? "fine" : `denied ${req.headers.authorization ?? ""}`);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanup.push(() => server.close());
    return { url: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, seen };
  }

  it("are sent as basic auth and hidden from the result", async () => {
    const s = await basicAuthServer();
    const config = OpsConfig.parse({
      defaults: { samples: 1, confirmWindow: "0s" },
      services: [
        { id: "good", name: "good", probe: { type: "http", url: `http://ops:\${PASS}@${s.url}/health` } },
        { id: "bad", name: "bad", probe: { type: "http", url: `http://ops:\${WRONG}@${s.url}/health` } },
      ],
    });
    const env = { PASS: encodeURIComponent(PASSWORD), WRONG: encodeURIComponent(`${PASSWORD}-rotated`) };
    const redactor = createRedactor();
    const clock = manualClock("2026-11-22T16:00:00Z");
    const [good, bad] = await Promise.all(
      config.services.map((service) => probeService({ service, defaults: config.defaults, clock, env, redactor })),
    );
    expect(good!.samples[0]).toMatchObject({ ok: true, statusCode: 200 });
    expect(s.seen[0] ?? s.seen[1]).toMatch(/^Basic /);
    // A refused password is our credentials problem (auth), not the service being down.
    expect(bad!.samples[0]!.failure).toMatchObject({ kind: "auth", status: 401 });
    const text = JSON.stringify([good, bad]);
    for (const leak of [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`ops:${PASSWORD}`).toString("base64")])
      expect(text).not.toContain(leak);
  });

  it("are not sent when the request already has an Authorization header", async () => {
    const s = await basicAuthServer();
    await httpProbe(
      httpConfig({
        url: `http://ops:${encodeURIComponent(PASSWORD)}@${s.url}/`,
        headers: { authorization: "Bearer other" },
      }),
      opts(),
      deps(),
    );
    expect(s.seen).toEqual(["Bearer other"]);
  });
});
