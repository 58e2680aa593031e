import { afterEach } from "vitest";
import { startReceiver, type Receiver } from "./receivers.ts";
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from "./smtp.ts";

/**
 * Loopback peers for notifier tests: HTTP receivers (webhooks, Slack, PagerDuty, Teams, Discord)
 * and real SMTP servers, each started by a test and closed after it.
 */
export function peersPerTest() {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });
  return {
    async receiver(status = 200): Promise<Receiver> {
      const r = await startReceiver(status);
      closers.push(() => r.close());
      return r;
    },
    async smtp(options?: SmtpPeerOptions): Promise<SmtpPeer> {
      const p = await startSmtpPeer(options);
      closers.push(() => p.close());
      return p;
    },
  };
}
