import { describe, expect, it } from "vitest";
import { httpProbe } from "../../actions/shared/probe/http.ts";
import { closedAfterEach, closedPort, startHttp, startTcp } from "./server.ts";
import { deps, httpConfig, opts } from "./helpers.ts";

const serve = closedAfterEach();

describe("http probe: answers", () => {
  it("measures every phase of a good answer, in order", async () => {
    const s = await serve(startHttp((_req, res) => setTimeout(() => res.end("ok"), 120)));
    const sample = await httpProbe(httpConfig({ url: `${s.url}/health` }), opts(), deps());
    expect(sample).toMatchObject({ ok: true, statusCode: 200, at: "2026-11-22T16:00:00.000Z" });
    expect(sample.failure).toBeUndefined();
    const t = sample.timings;
    // Correctness of the measurement, not a speed target: the server held the answer 120 ms.
    expect(t.firstByte).toBeGreaterThanOrEqual(100);
    expect(t.dns).toBeLessThanOrEqual(t.connect!);
    expect(t.connect).toBeLessThanOrEqual(t.firstByte!);
    expect(t.firstByte).toBeLessThanOrEqual(t.total);
    expect(t.tls).toBeUndefined();
    expect(sample.certDaysLeft).toBeUndefined();
  });

  it("sends method, headers and body as configured", async () => {
    let seen: { method?: string; headers?: Record<string, unknown>; body?: string } = {};
    const s = await serve(
      startHttp((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          seen = { method: req.method, headers: req.headers, body };
          res.end();
        });
      }),
    );
    const sample = await httpProbe(
      httpConfig({ url: `${s.url}/rpc`, method: "POST", headers: { "X-Api-Key": "k-123" }, body: '{"ping":1}' }),
      opts(),
      deps(),
    );
    expect(sample.ok).toBe(true);
    expect(seen).toMatchObject({ method: "POST", body: '{"ping":1}' });
    expect(seen.headers).toMatchObject({ "x-api-key": "k-123", "content-type": "application/json" });
  });

  it("accepts status classes and exact codes, and names both in the failure", async () => {
    const s = await serve(startHttp((req, res) => res.writeHead(Number(req.url!.slice(1))).end()));
    expect((await httpProbe(httpConfig({ url: `${s.url}/204` }), opts(), deps())).ok).toBe(true);
    const teapot = await httpProbe(
      httpConfig({ url: `${s.url}/418`, expect: { status: ["2xx", 301] } }),
      opts(),
      deps(),
    );
    expect(teapot).toMatchObject({
      ok: false,
      statusCode: 418,
      failure: { kind: "status", expected: "2xx, 301", found: 418 },
    });
    expect((await httpProbe(httpConfig({ url: `${s.url}/418`, expect: { status: [418] } }), opts(), deps())).ok).toBe(
      true,
    );
  });

  it("reads a 401 on a request with credentials as auth (our token), without them as a status failure", async () => {
    const s = await serve(startHttp((_req, res) => res.writeHead(401).end("no")));
    const withToken = await httpProbe(
      httpConfig({ url: s.url, headers: { Authorization: "Bearer abc" } }),
      opts(),
      deps(),
    );
    expect(withToken.failure).toMatchObject({ kind: "auth", status: 401 });
    const queryKey = await httpProbe(httpConfig({ url: `${s.url}/?api_key=abc` }), opts(), deps());
    expect(queryKey.failure).toMatchObject({ kind: "auth", status: 401 });
    const anonymous = await httpProbe(httpConfig({ url: `${s.url}/?format=json` }), opts(), deps());
    expect(anonymous.failure).toEqual({ kind: "status", expected: "2xx", found: 401 });
  });
});

describe("http probe: timeouts and broken peers", () => {
  it("a slow answer within the timeout is a success", async () => {
    const s = await serve(startHttp((_req, res) => setTimeout(() => res.end("late"), 200)));
    expect((await httpProbe(httpConfig({ url: s.url }), opts({ timeoutMs: 2_000 }), deps())).ok).toBe(true);
  });

  it("an answer slower than the total timeout is a timeout while waiting for the first byte", async () => {
    const s = await serve(startHttp((_req, res) => setTimeout(() => res.end("too late"), 2_000)));
    const sample = await httpProbe(httpConfig({ url: s.url }), opts({ timeoutMs: 150 }), deps());
    expect(sample.failure).toMatchObject({ kind: "timeout", phase: "firstByte" });
    expect(sample.failure!.kind === "timeout" && sample.failure!.afterMs).toBeGreaterThanOrEqual(140);
  });

  it("a server that accepts the connection and never answers times out in firstByte", async () => {
    const s = await serve(startTcp(() => undefined));
    const sample = await httpProbe(httpConfig({ url: s.url }), opts({ timeoutMs: 150 }), deps());
    expect(sample).toMatchObject({ ok: false, failure: { kind: "timeout", phase: "firstByte" } });
    expect(sample.timings.connect).toBeDefined();
    expect(sample.statusCode).toBeUndefined();
  });

  it("a body that trickles past the timeout times out in the body phase", async () => {
    const s = await serve(
      startHttp((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("start…");
        const timer = setInterval(() => res.write("."), 20);
        res.on("close", () => clearInterval(timer));
      }),
    );
    const sample = await httpProbe(httpConfig({ url: s.url }), opts({ timeoutMs: 500 }), deps());
    expect(sample).toMatchObject({ statusCode: 200, failure: { kind: "timeout", phase: "body" } });
  });

  it("a closed port is connection refused, naming the address", async () => {
    const port = await closedPort();
    const sample = await httpProbe(httpConfig({ url: `http://127.0.0.1:${port}/` }), opts(), deps());
    expect(sample.failure).toEqual({ kind: "refused", address: `127.0.0.1:${port}` });
  });

  it("a peer that takes the TCP connection but never starts TLS hits the connect timeout in the tls phase", async () => {
    const s = await serve(startTcp(() => undefined));
    const sample = await httpProbe(
      httpConfig({ url: s.url.replace("http:", "https:") }),
      opts({ connectTimeoutMs: 300 }),
      deps(),
    );
    expect(sample.failure).toMatchObject({ kind: "timeout", phase: "tls" });
    expect(sample.timings.connect).toBeDefined();
    expect(sample.timings.tls).toBeUndefined();
  });

  it("resolves a name and reaches an IPv4-only server whatever family the resolver lists first", async () => {
    const s = await serve(startHttp((_req, res) => res.end("ok")));
    const sample = await httpProbe(httpConfig({ url: `http://localhost:${s.port}/` }), opts(), deps());
    expect(sample).toMatchObject({ ok: true, statusCode: 200 });
    expect(sample.timings.dns).toBeDefined();
  });

  it("a name that does not resolve is a DNS failure", async () => {
    const sample = await httpProbe(httpConfig({ url: "http://no-such-host.invalid/" }), opts(), deps());
    expect(sample.failure).toMatchObject({ kind: "dns", host: "no-such-host.invalid" });
  });

  it("a connection closed (FIN) or reset (RST) before any answer is a reset before the first byte", async () => {
    const fin = await serve(startTcp((socket) => socket.once("data", () => socket.destroy())));
    expect((await httpProbe(httpConfig({ url: fin.url }), opts(), deps())).failure).toEqual({
      kind: "reset",
      phase: "firstByte",
    });
    const rst = await serve(startTcp((socket) => socket.once("data", () => socket.resetAndDestroy())));
    expect((await httpProbe(httpConfig({ url: rst.url }), opts(), deps())).failure).toEqual({
      kind: "reset",
      phase: "firstByte",
    });
  });

  it("a connection reset in the middle of the body is a reset in the body phase", async () => {
    const s = await serve(
      startHttp((req, res) => {
        res.writeHead(200, { "content-length": "100000" });
        // A FIN, not an RST: an RST may make the kernel drop the unread headers, and the test
        // is about the body being cut short.
        res.write("x".repeat(1000), () => setTimeout(() => req.socket.destroy(), 10));
      }),
    );
    const sample = await httpProbe(httpConfig({ url: s.url }), opts(), deps());
    expect(sample).toMatchObject({ statusCode: 200, failure: { kind: "reset", phase: "body" } });
  });
});

describe("http probe: bodies", () => {
  it("stops reading a 50 MiB body at the cap and closes the connection", async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, "a");
    let written = 0;
    let closed!: Promise<void>;
    const s = await serve(
      startHttp((_req, res) => {
        closed = new Promise((resolve) => res.on("close", () => resolve()));
        res.writeHead(200, { "content-type": "application/octet-stream" }); // chunked: no length to reject early
        const pump = () => {
          while (written < total && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      }),
    );
    const sample = await httpProbe(httpConfig({ url: s.url }), opts(), deps());
    expect(sample.failure).toEqual({ kind: "body-too-large", limitBytes: 1_048_576 });
    await closed;
    // Backpressure held the server back: what it managed to write is the cap plus socket buffers.
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it("rejects a declared Content-Length over the cap without reading it", async () => {
    const s = await serve(
      startHttp((_req, res) => res.writeHead(200, { "content-length": "5000" }).end("y".repeat(5000))),
    );
    const sample = await httpProbe(httpConfig({ url: s.url, maxBodyBytes: 10 }), opts({ maxBodyBytes: 4096 }), deps());
    expect(sample.failure).toEqual({ kind: "body-too-large", limitBytes: 4096 });
  });

  it("invalid JSON fails JSON assertions, described without quoting the body", async () => {
    const s = await serve(startHttp((_req, res) => res.end("<html>oops</html>")));
    const sample = await httpProbe(
      httpConfig({ url: s.url, expect: { json: [{ path: "status", equals: "ok" }] } }),
      opts(),
      deps(),
    );
    expect(sample.failure).toEqual({
      kind: "invalid-json",
      detail: '17 characters starting with "<", it looks like HTML',
    });
  });

  it("checks keywords present and absent", async () => {
    const s = await serve(startHttp((_req, res) => res.end("all systems operational, 0 errors")));
    const probe = (expect: object) => httpProbe(httpConfig({ url: s.url, expect }), opts(), deps());
    expect((await probe({ contains: ["operational"], notContains: ["maintenance"] })).ok).toBe(true);
    expect((await probe({ contains: ["healthy"] })).failure).toEqual({
      kind: "assertion",
      assertion: "body contains",
      expected: '"healthy"',
      found: "absent",
    });
    expect((await probe({ notContains: ["errors"] })).failure).toEqual({
      kind: "assertion",
      assertion: "body notContains",
      expected: 'no "errors"',
      found: '"errors" at offset 27',
    });
  });

  it("a HEAD request reads no body", async () => {
    const s = await serve(startHttp((req, res) => res.writeHead(200, { "x-method": req.method! }).end()));
    expect((await httpProbe(httpConfig({ url: s.url, method: "HEAD" }), opts(), deps())).ok).toBe(true);
  });
});

describe("http probe: redirects", () => {
  const redirector = () =>
    startHttp((req, res) => {
      const url = req.url!;
      if (url === "/a") return res.writeHead(302, { location: "/b" }).end();
      if (url === "/b") return res.writeHead(301, { location: "/a" }).end();
      const hop = /^\/hop\/(\d+)$/.exec(url);
      if (hop) return res.writeHead(307, { location: `/hop/${Number(hop[1]) + 1}` }).end();
      if (url === "/moved") return res.writeHead(302, { location: "/final" }).end();
      if (url === "/see-other") return res.writeHead(303, { location: `/echo` }).end();
      if (url === "/echo") return res.end(req.method);
      res.end("final");
    });

  it("follows redirects to the final answer", async () => {
    const s = await serve(redirector());
    const sample = await httpProbe(
      httpConfig({ url: `${s.url}/moved`, expect: { contains: ["final"] } }),
      opts(),
      deps(),
    );
    expect(sample).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("detects a loop and shows the chain", async () => {
    const s = await serve(redirector());
    const sample = await httpProbe(httpConfig({ url: `${s.url}/a` }), opts(), deps());
    expect(sample.failure).toEqual({
      kind: "redirects",
      detail: `loop: 127.0.0.1:${s.port}/a → 127.0.0.1:${s.port}/b → 127.0.0.1:${s.port}/a`,
    });
  });

  it("stops after N redirects", async () => {
    const s = await serve(redirector());
    const sample = await httpProbe(httpConfig({ url: `${s.url}/hop/1`, redirects: 3 }), opts(), deps());
    expect(sample.failure?.kind).toBe("redirects");
    expect(sample.failure?.kind === "redirects" && sample.failure.detail).toMatch(
      /^more than 3 redirects .*\/hop\/5\)$/,
    );
  });

  it("with redirects: 0 does not follow, and checks the 3xx itself", async () => {
    const s = await serve(redirector());
    const notFollowed = await httpProbe(httpConfig({ url: `${s.url}/moved`, redirects: 0 }), opts(), deps());
    expect(notFollowed.failure).toEqual({ kind: "status", expected: "2xx", found: 302 });
    const expected = await httpProbe(
      httpConfig({ url: `${s.url}/moved`, redirects: 0, expect: { status: [302] } }),
      opts(),
      deps(),
    );
    expect(expected.ok).toBe(true);
  });

  it("turns a POST into a GET on 303", async () => {
    const s = await serve(redirector());
    const sample = await httpProbe(
      httpConfig({ url: `${s.url}/see-other`, method: "POST", body: "x", expect: { contains: ["GET"] } }),
      opts(),
      deps(),
    );
    expect(sample.ok).toBe(true);
  });

  it("drops credentials when a redirect leaves the origin", async () => {
    let received: Record<string, unknown> = {};
    const target = await serve(startHttp((req, res) => ((received = req.headers), res.end("there"))));
    const origin = await serve(startHttp((_req, res) => res.writeHead(302, { location: `${target.url}/x` }).end()));
    const sample = await httpProbe(
      httpConfig({
        url: origin.url,
        headers: { Authorization: "Bearer t0ken", "X-Shopify-Access-Token": "shp", Accept: "application/json" },
      }),
      opts(),
      deps(),
    );
    expect(sample.ok).toBe(true);
    expect(received.accept).toBe("application/json");
    expect(received.authorization).toBeUndefined();
    expect(received["x-shopify-access-token"]).toBeUndefined();
  });
});

describe("http probe: cancellation", () => {
  it("an aborted run ends the sample at once, as data", async () => {
    const s = await serve(startTcp(() => undefined));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const sample = await httpProbe(
      httpConfig({ url: s.url }),
      opts({ timeoutMs: 10_000, signal: controller.signal }),
      deps(),
    );
    expect(sample.failure).toEqual({ kind: "network", code: "ABORTED", detail: "the run was cancelled" });
  });
});
