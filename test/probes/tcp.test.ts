import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { TcpProbe } from "../../actions/shared/config/schema/index.ts";
import { createTcpProbe, tcpKind } from "../../actions/shared/probe/tcp.ts";
import { deps, opts } from "../probe/helpers.ts";
import { closedPort, startTcp, type TestServer } from "../probe/server.ts";
import { startPostgres, type TestPostgres } from "../servers/postgres.ts";
import { makeTestCertificates, type TestCertificates } from "../servers/tls.ts";

let certs: TestCertificates;
let pg: TestPostgres;
const servers: Record<string, TestServer> = {};
const tlsServers: tls.Server[] = [];

async function startTls(pair: { key: string; cert: string }, greet: string): Promise<number> {
  const server = tls.createServer({ key: pair.key, cert: pair.cert }, (s) => {
    s.on("error", () => s.destroy());
    s.end(greet);
  });
  server.on("tlsClientError", () => undefined); // a client refusing our certificate is the point of some tests
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tlsServers.push(server);
  return (server.address() as AddressInfo).port;
}

let tlsValid: number;
let tlsExpired: number;

beforeAll(async () => {
  [certs, pg] = await Promise.all([makeTestCertificates(), startPostgres()]);
  servers.smtp = await startTcp((s) => s.write("220 mail.hotdash.test ESMTP ready\r\n"));
  servers.redis = await startTcp((s) =>
    s.on("data", (d) => {
      if (d.toString() === "PING\r\n") s.write("+PONG\r\n");
    }),
  );
  servers.silent = await startTcp(() => undefined);
  servers.hangup = await startTcp((s) => s.end("-ERR go away\r\n"));
  [tlsValid, tlsExpired] = await Promise.all([
    startTls(certs.valid, "hello over tls\n"),
    startTls(certs.expired, "old\n"),
  ]);
});
afterAll(async () => {
  await Promise.all([
    ...Object.values(servers).map((s) => s.close()),
    ...tlsServers.map((s) => new Promise((r) => s.close(r))),
    pg?.stop(),
  ]);
});

const probe = (input: Record<string, unknown>) => TcpProbe.parse({ type: "tcp", host: "127.0.0.1", ...input });

describe("tcp probe", () => {
  it("connects to the real PostgreSQL the tests start, timing the connect", async () => {
    const s = await tcpKind(probe({ port: pg.port }), opts(), deps());
    expect(s).toMatchObject({ ok: true });
    expect(s.timings.connect).toBeGreaterThanOrEqual(0);
    expect(s.timings.total).toBeGreaterThanOrEqual(s.timings.connect!);
  });

  it("reads a banner (SMTP) and an answer to what it sends (Redis PING)", async () => {
    expect(await tcpKind(probe({ port: servers.smtp!.port, expect: "220 " }), opts(), deps())).toMatchObject({
      ok: true,
    });
    const redis = await tcpKind(
      probe({ port: servers.redis!.port, send: "PING\r\n", expect: "+PONG" }),
      opts(),
      deps(),
    );
    expect(redis.ok).toBe(true);
    expect(redis.timings.firstByte).toBeGreaterThan(0);
  });

  it("a wrong answer, a hang-up and silence are assertion failures saying what came", async () => {
    const wrong = await tcpKind(probe({ port: servers.smtp!.port, expect: "+PONG" }), opts({ timeoutMs: 400 }), deps());
    expect(wrong.failure).toEqual({
      kind: "assertion",
      assertion: "the answer contains",
      expected: '"+PONG"',
      found: '"220 mail.hotdash.test ESMTP ready\\r\\n" (no match before the timeout)',
    });
    const hangup = await tcpKind(probe({ port: servers.hangup!.port, expect: "+PONG" }), opts(), deps());
    expect(hangup.failure).toMatchObject({ kind: "assertion", found: '"-ERR go away\\r\\n", then the peer closed' });
    const silent = await tcpKind(
      probe({ port: servers.silent!.port, expect: "220" }),
      opts({ timeoutMs: 300 }),
      deps(),
    );
    expect(silent.failure).toMatchObject({ kind: "timeout", phase: "firstByte" });
  });

  it("nothing listening is refused", async () => {
    const port = await closedPort();
    expect((await tcpKind(probe({ port }), opts(), deps())).failure).toEqual({
      kind: "refused",
      address: `127.0.0.1:${port}`,
    });
  });

  it("TLS: handshake timed, certificate days by the injected clock, an expired certificate refused", async () => {
    const notAfter = new Date(new X509Certificate(certs.valid.cert).validTo);
    const clock = manualClock(new Date(notAfter.getTime() - 12.5 * 86_400_000));
    const trusting = createTcpProbe({ ca: certs.ca.cert });
    const s = await trusting(probe({ port: tlsValid, tls: true, expect: "hello" }), opts(), { clock });
    expect(s).toMatchObject({ ok: true, certDaysLeft: 12 });
    expect(s.timings.tls).toBeGreaterThanOrEqual(s.timings.connect!);

    const expired = await trusting(probe({ port: tlsExpired, tls: true }), opts(), deps());
    expect(expired.failure).toMatchObject({ kind: "tls", problem: "expired" });
    expect(expired.certDaysLeft).toBeLessThan(0);
    const untrusted = await tcpKind(probe({ port: tlsValid, tls: true }), opts(), deps());
    expect(untrusted.failure).toMatchObject({ kind: "tls", problem: "untrusted" });
    expect(await tcpKind(probe({ port: tlsValid, tls: true, verifyTls: false }), opts(), deps())).toMatchObject({
      ok: true,
    });
  });

  it("TLS against a plain port fails in the handshake", async () => {
    const s = await tcpKind(
      probe({ port: pg.port, tls: true }),
      opts({ timeoutMs: 1_000, connectTimeoutMs: 800 }),
      deps(),
    );
    expect(s.ok).toBe(false);
    expect(s.failure).toMatchObject({ kind: "tls", problem: "handshake" });
  });
});
