/**
 * Metrics on loopback, two ways:
 * - `startExporter`: a Prometheus exporter (text exposition format at /metrics) whose values the
 *   test sets, for the real Prometheus of `startPrometheus` to scrape.
 * - `startMetricsApi`: a simulated Prometheus HTTP query API (GET /api/v1/query) with canned
 *   answers and a bearer token, for the demo fleet, where no real Prometheus runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Labels = Record<string, string>;

export interface Exporter {
  /** http://127.0.0.1:port (the scrape target is this + /metrics). */
  url: string;
  /** host:port, as Prometheus's static_configs want it. */
  target: string;
  /** Sets a gauge. */
  set(name: string, labels: Labels, value: number): void;
  /** Makes a counter grow by `step` on every scrape, so rate() over it is `step / interval`. */
  grow(name: string, labels: Labels, step: number): void;
  scrapes(): number;
  close(): Promise<void>;
}

export async function startExporter(): Promise<Exporter> {
  const gauges = new Map<string, { name: string; labels: Labels; value: number }>();
  const counters = new Map<string, { name: string; labels: Labels; value: number; step: number }>();
  let scrapes = 0;
  const key = (name: string, labels: Labels) => `${name}${formatLabels(labels)}`;
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") return void res.writeHead(404).end();
    scrapes++;
    for (const c of counters.values()) c.value += c.step;
    const lines: string[] = [];
    const typed = new Set<string>();
    for (const [kind, series] of [
      ["gauge", [...gauges.values()]],
      ["counter", [...counters.values()]],
    ] as const) {
      for (const s of series) {
        if (!typed.has(s.name)) lines.push(`# TYPE ${s.name} ${kind}`);
        typed.add(s.name);
        lines.push(`${key(s.name, s.labels)} ${s.value}`);
      }
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`${lines.join("\n")}\n`);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    set: (name, labels, value) => void gauges.set(key(name, labels), { name, labels, value }),
    grow: (name, labels, step) => {
      const k = key(name, labels);
      counters.set(k, { name, labels, value: counters.get(k)?.value ?? 0, step });
    },
    scrapes: () => scrapes,
    close: () => close(server),
  };
}

/** What the simulated API answers for one query. */
export type CannedAnswer =
  | { series: Array<{ labels: Labels; value: number | "NaN" }> }
  | { scalar: number }
  | { error: { errorType: string; error: string; status?: number } };

export interface MetricsApiOptions {
  /** Required bearer token; a request without it gets 401 (as Fly's managed Prometheus does). */
  token?: string;
  /** Answers by exact query text; any other query gets an empty vector. */
  answers: Record<string, CannedAnswer>;
}

export interface MetricsApi {
  /** Base URL to put in a `prometheus` probe's `url`. */
  url: string;
  /** Replaces the answer to a query (the demo and tests change values between runs). */
  answer(query: string, answer: CannedAnswer): void;
  queries(): string[];
  close(): Promise<void>;
}

export async function startMetricsApi(options: MetricsApiOptions): Promise<MetricsApi> {
  const answers = new Map(Object.entries(options.answers));
  const seen: string[] = [];
  const server = createServer((req, res) => handleQuery(req, res, options.token, answers, seen));
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    answer: (query, answer) => void answers.set(query, answer),
    queries: () => [...seen],
    close: () => close(server),
  };
}

function handleQuery(
  req: IncomingMessage,
  res: ServerResponse,
  token: string | undefined,
  answers: Map<string, CannedAnswer>,
  seen: string[],
) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (url.pathname !== "/api/v1/query")
    return json(404, { status: "error", errorType: "not_found", error: "only /api/v1/query is simulated" });
  if (token && req.headers.authorization !== `Bearer ${token}`)
    return res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized\n");
  const query = url.searchParams.get("query") ?? "";
  seen.push(query);
  const at = Date.now() / 1000;
  const answer = answers.get(query) ?? { series: [] };
  if ("error" in answer) {
    const { status = 400, errorType, error } = answer.error;
    return json(status, { status: "error", errorType, error });
  }
  if ("scalar" in answer)
    return json(200, { status: "success", data: { resultType: "scalar", result: [at, String(answer.scalar)] } });
  const result = answer.series.map((s) => ({ metric: s.labels, value: [at, String(s.value)] }));
  return json(200, { status: "success", data: { resultType: "vector", result } });
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes a server and its connections; closing one already closed is fine (the demo closes a "down" member early). */
export function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
