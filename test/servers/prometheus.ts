/**
 * A real Prometheus (Debian's `prometheus` package, installed by provision.ts when missing) for tests: temp config and storage, a free
 * loopback port, scraping a test exporter every half second. Prometheus itself only knows basic auth,
 * so `url` is a small proxy in front of it that demands a bearer token, as Fly's managed
 * Prometheus does; `directUrl` skips the proxy.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { close, listen } from "../../emulators/metrics.ts";
import { freePort } from "./postgres.ts";
import { ensurePrometheus } from "./provision.ts";

export interface TestPrometheus {
  /** Base URL through the bearer-token proxy. */
  url: string;
  directUrl: string;
  token: string;
  /** Authorization headers the proxy received, in order. */
  authHeaders(): Array<string | undefined>;
  /** Polls an instant query until `accept` likes its result (Prometheus scrapes every 500 ms). */
  waitFor(
    query: string,
    accept: (result: Array<{ metric: Record<string, string>; value: [number, string] }>) => boolean,
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(options: { targets: string[]; token?: string }): Promise<TestPrometheus> {
  const found = await ensurePrometheus();
  if (!found.ok) throw new Error(found.reason);
  const bin = found.path;
  const dir = mkdtempSync(join(tmpdir(), "ops-prom-"));
  const token = options.token ?? `prom-token-${Math.random().toString(36).slice(2)}`;
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 500ms",
      "  evaluation_interval: 500ms",
      "scrape_configs:",
      "  - job_name: test",
      // Fly's metrics carry their own `instance` (the machine); keep it rather than the target's.
      "    honor_labels: true",
      "    static_configs:",
      `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(", ")}]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const directUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const seen: Array<string | undefined> = [];
  const proxy = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${token}`)
      return void res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized\n");
    const upstream = request(
      `${directUrl}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: `127.0.0.1:${port}` } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", (error) => res.writeHead(502).end(String(error)));
    req.pipe(upstream);
  });
  const proxyPort = await listen(proxy);

  const query = async (q: string) => {
    const res = await fetch(`${directUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as {
      data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    return body.data?.result ?? [];
  };
  const waitFor: TestPrometheus["waitFor"] = async (q, accept) => {
    const deadline = Date.now() + 30_000;
    let last: unknown;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
      try {
        const result = await query(q);
        if (accept(result)) return;
        last = result;
      } catch (error) {
        last = error; // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `prometheus: "${q}" did not return the awaited data within 30 s; last: ${JSON.stringify(last)}\n${log}`,
    );
  };

  const stop = async () => {
    await close(proxy);
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('up{job="test"}', (r) => r.length === options.targets.length && r.every((s) => s.value[1] === "1"));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${proxyPort}`, directUrl, token, authHeaders: () => [...seen], waitFor, stop };
}
