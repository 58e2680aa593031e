import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { errorCode, tlsProblemOf, transportFailure, unclassified } from "../../actions/shared/probe/net-error.ts";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onSocket: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}

/** The error a real socket to 127.0.0.1:port ends with. */
function socketError(port: number, write = false): Promise<Error> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("error", resolve);
    s.once("connect", () => write && s.write("hello"));
    s.once("close", () => reject(new Error("the socket closed without an error")));
  });
}

describe("transportFailure", () => {
  it("names a closed port as refused, by the address tried", async () => {
    const port = await listen(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    const error = await socketError(port);
    expect(transportFailure(errorCode(error), { phase: "connect", address: `127.0.0.1:${port}`, afterMs: 3 })).toEqual({
      kind: "refused",
      address: `127.0.0.1:${port}`,
    });
  });

  it("names a peer's RST as a reset in the phase given, and leaves one during the TLS handshake to the caller", async () => {
    const port = await listen((s) => s.once("data", () => s.resetAndDestroy()));
    const error = await socketError(port, true);
    const code = errorCode(error);
    expect(transportFailure(code, { phase: "firstByte", address: "x:1", afterMs: 1 })).toEqual({
      kind: "reset",
      phase: "firstByte",
    });
    expect(transportFailure(code, { phase: "tls", address: "x:1", afterMs: 1 })).toBeUndefined();
  });

  it("finds a code along the cause chain, as undici wraps the socket's error", () => {
    const wrapped = new TypeError("fetch failed", {
      cause: Object.assign(new Error("getaddrinfo ENOTFOUND db.internal"), { code: "ENOTFOUND" }),
    });
    expect(transportFailure(errorCode(wrapped), { phase: "connect", address: "db.internal:5432", afterMs: 1 })).toEqual(
      {
        kind: "dns",
        code: "ENOTFOUND",
        host: "db.internal",
      },
    );
  });

  it("reports connect timeouts in the caller's timeout phase, and leaves other codes alone", () => {
    const ctx = { phase: "firstByte" as const, address: "x:1", afterMs: 42, timeoutPhase: "connect" as const };
    expect(transportFailure("UND_ERR_CONNECT_TIMEOUT", ctx)).toEqual({
      kind: "timeout",
      phase: "connect",
      afterMs: 42,
    });
    expect(transportFailure("CERT_HAS_EXPIRED", ctx)).toBeUndefined();
    expect(transportFailure(undefined, ctx)).toBeUndefined();
    expect(tlsProblemOf("CERT_HAS_EXPIRED")).toBe("expired");
    expect(tlsProblemOf("ECONNRESET")).toBeUndefined();
    expect(unclassified(new RangeError("odd"), undefined)).toEqual({
      kind: "network",
      code: "RangeError",
      detail: "odd",
    });
  });
});
