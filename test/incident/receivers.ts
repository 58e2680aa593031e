import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A local HTTP receiver standing in for a Slack webhook or PagerDuty's Events API. */
export interface Receiver {
  url: string;
  received: Array<{ path: string; body: any }>;
  /** Status to answer with (Slack answers 200 "ok", PagerDuty 202). */
  status: number;
  /** Read the request and never answer (a channel that hangs). */
  hang: boolean;
  /** Request headers, in order of arrival. */
  headers: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<Receiver> {
  const r: Receiver = {
    url: "",
    received: [],
    status,
    hang: false,
    headers: [],
    close: () =>
      new Promise((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch (error) {
        body = { unparsed: text, error: String(error) };
      }
      r.received.push({ path: req.url ?? "/", body });
      r.headers.push(req.headers);
      if (r.hang) return;
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(
        r.status < 300
          ? JSON.stringify({ status: "success", message: "Event processed" })
          : JSON.stringify({ error: "boom" }),
      );
    });
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
