import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpProbe } from "../../actions/shared/probe/http.ts";
import { makeTestCertificates, type TestCertificates } from "../servers/tls.ts";
import { startHttp, startHttps, type TestServer } from "./server.ts";
import { deps, httpConfig, opts } from "./helpers.ts";

let certs: TestCertificates;
let h2only: http2.Http2SecureServer;
let h2url: string;
let h1: TestServer;
let plain: TestServer;
const seen: string[] = [];

beforeAll(async () => {
  certs = await makeTestCertificates();
  // Accepts only h2: a client that offers no h2 in ALPN is refused in the handshake.
  h2only = http2.createSecureServer({ key: certs.valid.key, cert: certs.valid.cert, allowHTTP1: false }, (req, res) => {
    seen.push(`${req.httpVersion} ${req.method} ${req.url}`);
    if (req.url === "/moved") return res.writeHead(301, { location: "/health" }).end();
    res
      .writeHead(200, { "content-type": "application/json", "x-served-by": "h2" })
      .end(JSON.stringify({ status: "ok" }));
  });
  await new Promise<void>((resolve) => h2only.listen(0, "127.0.0.1", resolve));
  h2url = `https://127.0.0.1:${(h2only.address() as AddressInfo).port}`;
  h1 = await startHttps(certs.valid, (_req, res) => res.end('{"status":"ok"}'));
  plain = await startHttp((_req, res) => res.end("ok"));
});
afterAll(async () => {
  await Promise.all([new Promise((r) => h2only.close(r)), h1?.close(), plain?.close()]);
});

describe("http probe: HTTP/2 through ALPN", () => {
  it("works against an h2-only endpoint, with assertions, redirects, and the protocol recorded", async () => {
    const probe = createHttpProbe({ ca: certs.ca.cert });
    const s = await probe(
      httpConfig({
        url: `${h2url}/moved`,
        expect: { json: [{ path: "status", equals: "ok" }], headers: [{ name: "x-served-by", equals: "h2" }] },
      }),
      opts(),
      deps(),
    );
    expect(s).toMatchObject({ ok: true, statusCode: 200, protocol: "h2" });
    expect(s.timings.tls).toBeGreaterThan(0);
    expect(seen).toEqual(["2.0 GET /moved", "2.0 GET /health"]);
  });

  it("an HTTP/1.1 server still answers in HTTP/1.1, over TLS and in the clear", async () => {
    const probe = createHttpProbe({ ca: certs.ca.cert });
    expect(await probe(httpConfig({ url: h1.url }), opts(), deps())).toMatchObject({ ok: true, protocol: "http/1.1" });
    expect(await probe(httpConfig({ url: plain.url }), opts(), deps())).toMatchObject({
      ok: true,
      protocol: "http/1.1",
    });
  });
});
