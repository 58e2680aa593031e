import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { createHttpProbe, httpProbe } from "../../actions/shared/probe/http.ts";
import { makeTestCertificates, type TestCertificates } from "../servers/tls.ts";
import { ensureOpenssl, skipWithout } from "../servers/provision.ts";
import { startHttp, startHttps, type TestServer } from "./server.ts";
import { deps, httpConfig, opts } from "./helpers.ts";

const skip = skipWithout(await ensureOpenssl(), "test/probe/http-tls.test.ts");

let certs: TestCertificates;
const servers: Record<string, TestServer> = {};

beforeAll(async () => {
  if (skip) return;
  certs = await makeTestCertificates();
  const ok = (_req: unknown, res: { end(s: string): void }) => res.end("secure");
  [servers.valid, servers.expired, servers.wrongHost, servers.selfSigned, servers.plain] = await Promise.all([
    startHttps(certs.valid, ok),
    startHttps(certs.expired, ok),
    startHttps(certs.wrongHost, ok),
    startHttps(certs.selfSigned, ok),
    startHttp((_req, res) => res.end("not tls")),
  ]);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const trusting = () => createHttpProbe({ ca: certs.ca.cert });

describe.skipIf(skip)("http probe: TLS", () => {
  it("times the handshake and counts whole days until the certificate expires, by the injected clock", async () => {
    const notAfter = new Date(new X509Certificate(certs.valid.cert).validTo);
    const clock = manualClock(new Date(notAfter.getTime() - 10.5 * 86_400_000));
    const sample = await trusting()(httpConfig({ url: servers.valid!.url }), opts(), { clock });
    expect(sample).toMatchObject({ ok: true, certDaysLeft: 10 });
    expect(sample.timings.tls).toBeGreaterThanOrEqual(sample.timings.connect!);
    expect(sample.timings.firstByte).toBeGreaterThanOrEqual(sample.timings.tls!);
  });

  it("a certificate from a CA nobody trusts is untrusted", async () => {
    const sample = await httpProbe(httpConfig({ url: servers.valid!.url }), opts(), deps());
    expect(sample.failure).toMatchObject({ kind: "tls", problem: "untrusted" });
  });

  it("an expired certificate is 'expired' and still reports (negative) days left", async () => {
    const sample = await trusting()(httpConfig({ url: servers.expired!.url }), opts(), deps());
    expect(sample.failure).toMatchObject({ kind: "tls", problem: "expired" });
    expect(sample.failure?.kind === "tls" && sample.failure.detail).toMatch(
      /^CERT_HAS_EXPIRED \(certificate CN=127\.0\.0\.1, valid Jan {1,2}1 00:00:00 2020 GMT/,
    );
    expect(sample.certDaysLeft).toBeLessThan(-2000);
  });

  it("a self-signed certificate is 'self-signed'", async () => {
    const sample = await httpProbe(httpConfig({ url: servers.selfSigned!.url }), opts(), deps());
    expect(sample.failure).toMatchObject({ kind: "tls", problem: "self-signed" });
    expect(sample.certDaysLeft).toBeGreaterThanOrEqual(29);
  });

  it("a certificate for another name is 'hostname'", async () => {
    const sample = await trusting()(httpConfig({ url: servers.wrongHost!.url }), opts(), deps());
    expect(sample.failure).toMatchObject({ kind: "tls", problem: "hostname" });
  });

  it("with verifyTls: false a bad certificate is accepted, and its expiry still measured", async () => {
    const sample = await httpProbe(httpConfig({ url: servers.expired!.url, verifyTls: false }), opts(), deps());
    expect(sample).toMatchObject({ ok: true, statusCode: 200 });
    expect(sample.certDaysLeft).toBeLessThan(0);
  });

  it("a peer that does not speak TLS is a handshake failure", async () => {
    const sample = await httpProbe(httpConfig({ url: servers.plain!.url.replace("http:", "https:") }), opts(), deps());
    expect(sample.failure).toMatchObject({ kind: "tls", problem: "handshake" });
    expect(sample.statusCode).toBeUndefined();
  });
});
