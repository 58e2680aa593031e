import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { Resolver } from "node:dns/promises";
import { freePort } from "./postgres.ts";

/**
 * A real DNS server for the dns probe's tests: Debian's dnsmasq on a loopback port, authoritative
 * for `hotdash.test` (unknown names there are NXDOMAIN), and forwarding `broken.test` to a
 * loopback upstream that answers every question with SERVFAIL.
 */
export interface TestDns {
  /** "127.0.0.1:port", the probe's `resolver`. */
  address: string;
  close(): Promise<void>;
}

/** `bin`: the dnsmasq the suite provisioned (test/servers/provision.ts `ensureDnsmasq`). */
export async function startDnsmasq(bin: string): Promise<TestDns> {
  const upstream = await servfailUpstream();
  const port = await freePort();
  const args = [
    "--keep-in-foreground",
    "--conf-file=/dev/null",
    "--no-resolv",
    "--no-hosts",
    "--bind-interfaces",
    "--listen-address=127.0.0.1",
    `--port=${port}`,
    "--pid-file=",
    "--log-facility=-",
    "--local=/hotdash.test/",
    "--address=/app.hotdash.test/10.0.0.7",
    "--host-record=web.hotdash.test,10.0.0.8,fd00::8",
    "--cname=www.hotdash.test,web.hotdash.test",
    "--txt-record=hotdash.test,v=spf1 -all",
    "--txt-record=hotdash.test,google-site-verification=abc123",
    `--server=/broken.test/127.0.0.1#${upstream.port}`,
  ];
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const address = `127.0.0.1:${port}`;
  await waitUntilAnswering(address, child, () => log);
  return {
    address,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
      upstream.close();
    },
  };
}

async function waitUntilAnswering(address: string, child: ChildProcess, log: () => string): Promise<void> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([address]);
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}): ${log()}`);
    try {
      await resolver.resolve4("app.hotdash.test");
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // not listening yet
    }
  }
  child.kill();
  throw new Error(`dnsmasq did not answer on ${address} within 5 s: ${log()}`);
}

/** A UDP "server" that echoes every query back with RCODE 2 (SERVFAIL). */
async function servfailUpstream(): Promise<{ port: number; close(): void }> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, peer) => {
    if (msg.length < 12) return;
    const answer = Buffer.from(msg);
    answer[2] = 0x80 | (msg[2]! & 0x79); // QR=1, keep opcode and RD
    answer[3] = 0x80 | 0x02; // RA=1, RCODE=SERVFAIL
    socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => socket.close() };
}
