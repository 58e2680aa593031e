import dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DnsProbe } from "../../actions/shared/config/schema/index.ts";
import { dnsKind } from "../../actions/shared/probe/dns.ts";
import { describeFailure } from "../../actions/shared/probe/result.ts";
import { deps, opts } from "../probe/helpers.ts";
import { closedPort } from "../probe/server.ts";
import { startDnsmasq, type TestDns } from "../servers/dnsmasq.ts";
import { ensureDnsmasq, skipWithout } from "../servers/provision.ts";

// dnsmasq from Debian's packages when missing (as root); otherwise one loud line and a skip, and
// under CI a failure.
const found = await ensureDnsmasq();
const available = !skipWithout(found, "test/probes/dns.test.ts");

let dns: TestDns;
const probe = (input: Record<string, unknown>) => DnsProbe.parse({ type: "dns", resolver: dns.address, ...input });

describe.runIf(available)("dns probe against a real dnsmasq on loopback", () => {
  beforeAll(async () => {
    if (!found.ok) throw new Error(found.reason);
    dns = await startDnsmasq(found.path);
  });
  afterAll(async () => {
    await dns?.close();
  });

  it("resolves A, AAAA, CNAME and TXT and checks the expected values", async () => {
    const a = await dnsKind(probe({ name: "app.hotdash.test", expect: ["10.0.0.7"] }), opts(), deps());
    expect(a).toMatchObject({ ok: true });
    expect(a.timings.total).toBeGreaterThan(0);
    expect(a.timings.dns).toBe(a.timings.total);
    expect(
      await dnsKind(probe({ name: "web.hotdash.test", record: "AAAA", expect: ["FD00::8"] }), opts(), deps()),
    ).toMatchObject({ ok: true });
    expect(
      await dnsKind(
        probe({ name: "www.hotdash.test", record: "CNAME", expect: ["web.hotdash.test."] }),
        opts(),
        deps(),
      ),
    ).toMatchObject({ ok: true });
    expect(
      await dnsKind(probe({ name: "hotdash.test", record: "TXT", expect: ["v=spf1 -all"] }), opts(), deps()),
    ).toMatchObject({ ok: true });
  });

  it("a wrong answer names what was expected and what came back", async () => {
    const s = await dnsKind(probe({ name: "app.hotdash.test", expect: ["10.0.0.9"] }), opts(), deps());
    expect(s.failure).toEqual({
      kind: "assertion",
      assertion: "A app.hotdash.test includes",
      expected: "10.0.0.9",
      found: "10.0.0.7",
    });
    const txt = await dnsKind(probe({ name: "hotdash.test", record: "TXT", expect: ["v=DMARC1"] }), opts(), deps());
    expect(txt.failure).toMatchObject({ found: "google-site-verification=abc123, v=spf1 -all" });
  });

  it("NXDOMAIN, NODATA and SERVFAIL are typed dns failures", async () => {
    const nx = await dnsKind(probe({ name: "nope.hotdash.test" }), opts(), deps());
    expect(nx.failure).toEqual({ kind: "dns", code: "NXDOMAIN", host: `nope.hotdash.test (A @${dns.address})` });
    expect(describeFailure(nx.failure!)).toBe(`DNS lookup of nope.hotdash.test (A @${dns.address}) failed (NXDOMAIN)`);
    const nodata = await dnsKind(probe({ name: "web.hotdash.test", record: "TXT" }), opts(), deps());
    expect(nodata.failure).toMatchObject({ kind: "dns", code: "NODATA" });
    const servfail = await dnsKind(probe({ name: "x.broken.test" }), opts(), deps());
    expect(servfail.failure).toMatchObject({ kind: "dns", code: "SERVFAIL" });
  });
});

describe("dns probe without a working server", () => {
  it("nothing listening on the resolver's port is refused", async () => {
    const port = await closedPort();
    const s = await dnsKind(
      DnsProbe.parse({ type: "dns", name: "app.hotdash.test", resolver: `127.0.0.1:${port}` }),
      opts(),
      deps(),
    );
    expect(s.failure).toEqual({ kind: "refused", address: `127.0.0.1:${port}` });
  });

  it("a resolver that never answers is a timeout in phase dns, at the sample's timeout", async () => {
    const silent = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const s = await dnsKind(
        DnsProbe.parse({ type: "dns", name: "app.hotdash.test", resolver: `127.0.0.1:${silent.address().port}` }),
        opts({ timeoutMs: 300 }),
        deps(),
      );
      expect(s.failure).toMatchObject({ kind: "timeout", phase: "dns" });
      expect(s.timings.total).toBeGreaterThanOrEqual(250);
      expect(s.timings.total).toBeLessThan(1_500);
    } finally {
      silent.close();
    }
  });
});
