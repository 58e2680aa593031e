import { request } from "undici";
import type { HeartbeatTargetConfig } from "../config/schema/heartbeat.ts";

/**
 * Dead-man pings for the monitor (issue 12 §1), healthchecks.io semantics: a start ping when the
 * run begins, a success ping when it ends, a fail ping carrying the exit code when it failed. The
 * external service pages someone when the pings stop (a dropped cron, a disabled schedule) or
 * say "failed". A ping never throws and never waits longer than its timeout: a monitoring
 * service that is down must not take the monitor with it. URLs are secrets and never logged.
 */
export type PingKind = "start" | "success" | "fail";

export interface PingResult {
  /** "heartbeat 1": the URL's place in the config, never the URL. */
  target: string;
  kind: PingKind;
  ok: boolean;
  /** Why it failed; names no URL. */
  error?: string;
}

export interface Heartbeat {
  start(): Promise<PingResult[]>;
  /** Exit code 0 is the success ping; anything else is the fail ping with that code. */
  finish(exitCode: number, summary?: string): Promise<PingResult[]>;
}

export interface HeartbeatOptions {
  /** With their `${NAME}` references resolved. */
  targets: readonly HeartbeatTargetConfig[];
  /** How each target is named in logs (default "heartbeat 1", "heartbeat 2", …). */
  labels?: readonly string[];
  timeoutMs: number;
  log: (line: string) => void;
}

/** The address to ping for this target and event, or undefined when the style has no such ping. */
export function pingUrl(target: HeartbeatTargetConfig, kind: PingKind, exitCode = 1): string | undefined {
  const { url, style } = typeof target === "string" ? { url: target, style: "healthchecks" as const } : target;
  const base = url.replace(/\/+$/, "");
  const code = Math.min(255, Math.max(1, Math.trunc(exitCode) || 1));
  if (style === "cronitor") {
    const u = new URL(url);
    u.searchParams.set("state", kind === "start" ? "run" : kind === "success" ? "complete" : "fail");
    if (kind === "fail") u.searchParams.set("status_code", String(code));
    return u.toString();
  }
  if (style === "plain") return kind === "start" ? undefined : kind === "success" ? base : `${base}/fail`;
  // healthchecks.io: /start, the bare URL, /<exit status> (1–255 means failed).
  return kind === "start" ? `${base}/start` : kind === "success" ? base : `${base}/${code}`;
}

export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const send = async (kind: PingKind, exitCode?: number, summary?: string): Promise<PingResult[]> =>
    Promise.all(
      options.targets.map(async (t, i): Promise<PingResult> => {
        const target = options.labels?.[i] ?? `heartbeat ${i + 1}`;
        let url: string | undefined;
        try {
          url = pingUrl(t, kind, exitCode);
        } catch {
          return report({ target, kind, ok: false, error: "the URL is not valid (check the secret's value)" });
        }
        if (!url) return { target, kind, ok: true };
        try {
          const res = await request(url, {
            method: "POST",
            headers: { "content-type": "text/plain; charset=utf-8", "user-agent": "hotdash-ops heartbeat" },
            // healthchecks.io keeps the body as the ping's log; a line is enough.
            body: (summary ?? "").slice(0, 1_000),
            headersTimeout: options.timeoutMs,
            bodyTimeout: options.timeoutMs,
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          await res.body.dump();
          if (res.statusCode < 200 || res.statusCode >= 300)
            return report({ target, kind, ok: false, error: `answered ${res.statusCode}` });
          return { target, kind, ok: true };
        } catch (error) {
          const name = (error as { name?: string }).name;
          const code = (error as { code?: string }).code;
          const why =
            name === "TimeoutError" || name === "AbortError" || /TIMEOUT/.test(code ?? "")
              ? `no answer within ${options.timeoutMs} ms`
              : `failed (${code ?? name ?? "error"})`;
          return report({ target, kind, ok: false, error: why });
        }
      }),
    );
  const report = (r: PingResult): PingResult => {
    options.log(`${r.target}: ${r.kind} ping ${r.error} (the run goes on)`);
    return r;
  };
  return {
    start: () => send("start"),
    finish: (exitCode, summary) => (exitCode === 0 ? send("success", 0, summary) : send("fail", exitCode, summary)),
  };
}
