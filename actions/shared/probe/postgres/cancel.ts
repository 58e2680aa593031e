/**
 * A PostgreSQL CancelRequest (protocol 3.0, "Canceling Requests in Progress"): a new connection
 * that sends the backend's process id and secret key, so the server stops the query the probe
 * gave up on instead of running it to the end (a dropped socket alone is noticed only when the
 * backend next writes). Over TLS when the probe's connection used TLS, negotiated the same way
 * (SSLRequest, then the handshake). pg's own `cancel` sends the request before TLS is up, so it
 * is done here by hand. Best effort: the outcome is reported, never thrown.
 */
import net from "node:net";
import tls from "node:tls";

export interface CancelTarget {
  host: string;
  port: number;
  processID: number;
  secretKey: number;
  /** The probe's TLS setting: `false` for none, else the options the main connection used. */
  ssl: false | tls.ConnectionOptions;
}

export type CancelOutcome = { sent: true } | { sent: false; reason: string };

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

export function cancelQuery(target: CancelTarget, timeoutMs: number): Promise<CancelOutcome> {
  return new Promise((resolve) => {
    const raw = net.connect({ host: target.host, port: target.port });
    let socket: net.Socket = raw;
    let settled = false;
    const done = (outcome: CancelOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ sent: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const sendCancel = (s: net.Socket) => {
      const packet = Buffer.alloc(16);
      packet.writeInt32BE(16, 0);
      packet.writeInt32BE(CANCEL_REQUEST, 4);
      packet.writeInt32BE(target.processID, 8);
      packet.writeInt32BE(target.secretKey, 12);
      // The server closes the connection once it has read the request; that close is the receipt.
      s.once("close", () => done({ sent: true }));
      s.write(packet);
    };
    raw.once("error", (e) => done({ sent: false, reason: e.message }));
    raw.once("connect", () => {
      if (!target.ssl) return sendCancel(raw);
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(SSL_REQUEST, 4);
      raw.write(request);
      raw.once("data", (answer) => {
        if (answer[0] !== 0x53 /* S */)
          return done({ sent: false, reason: "the server refused TLS for the cancel request" });
        const secure = tls.connect({
          ...(target.ssl as tls.ConnectionOptions),
          socket: raw,
          ...(net.isIP(target.host) ? {} : { servername: target.host }),
        });
        socket = secure;
        secure.once("error", (e) => done({ sent: false, reason: e.message }));
        secure.once("secureConnect", () => sendCancel(secure));
      });
    });
  });
}
