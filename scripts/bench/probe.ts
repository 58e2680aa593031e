/**
 * `npm run bench:probe`: the probe engine's speed on loopback, as printed figures (no test asserts
 * on timing). Bounded: 64 + 5 × 2 × 500 + 3 × 1,000 requests to servers on 127.0.0.1, nothing else.
 *
 * (a) Throughput: 500 services answering after 50 ms, one sample each, concurrency 16. The ideal
 *     wall time is ceil(500 / 16) × 50 ms; the ratio says what the engine costs on top.
 * (b) Overhead: 1,000 sequential probes vs 1,000 bare undici requests, interleaved, each minus the
 *     time the server itself held that request (measured server-side, per request).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { Agent, request } from "undici";
import { systemClock } from "../../actions/shared/clock.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { probeFleet, probeService } from "../../actions/shared/probe/engine.ts";
import { percentile } from "../../actions/shared/probe/stats.ts";

const SERVICES = 500;
const CONCURRENCY = 16;
const DELAY_MS = 50;
const OVERHEAD_REQUESTS = 1_000;
const OVERHEAD_DELAY_MS = 2;

/** Holds each answer `?d=` ms and records how long it really held it, by path. */
async function startServer() {
  const held = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    const url = new URL(req.url!, "http://x");
    setTimeout(
      () => {
        held.set(url.pathname, performance.now() - arrived);
        res.end('{"status":"ok"}');
      },
      Number(url.searchParams.get("d") ?? 0),
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, held, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/**
 * The throughput fleet's server runs on its own thread, as a real fleet runs on other machines:
 * in-process it would share the probe's one event loop and bill its own CPU to the engine.
 */
async function startWorkerServer() {
  const worker = new Worker(
    `const http = require("node:http");
     const { parentPort } = require("node:worker_threads");
     const server = http.createServer((req, res) => {
       const d = Number(new URL(req.url, "http://x").searchParams.get("d") ?? 0);
       setTimeout(() => res.end('{"status":"ok"}'), d);
     });
     server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
     parentPort.on("message", () => { server.closeAllConnections(); server.close(() => process.exit(0)); });`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return { base: `http://127.0.0.1:${port}`, close: () => worker.terminate() };
}

function fleet(base: string, count: number, delay: number, prefix: string): OpsConfig {
  return OpsConfig.parse({
    defaults: { samples: 1, concurrency: CONCURRENCY, sampleSpacing: 0 },
    services: Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i}`,
      name: `service ${i}`,
      probe: {
        type: "http",
        url: `${base}/${prefix}/${i}?d=${delay}`,
        expect: { json: [{ path: "status", equals: "ok" }] },
      },
    })),
  });
}

const ROUNDS = 5;

/**
 * Five rounds, reported one by one and by their median: on a shared two-core machine one round
 * can lose a few hundred ms to a neighbour. Each round is followed by the same fleet fetched with
 * bare undici (fresh connection per request, same limit), so the engine's share is visible apart
 * from the machine's.
 */
async function throughput(base: string) {
  // Warm-up: JIT and the first sockets, so the measured rounds are the steady state.
  await probeFleet({ config: fleet(base, 64, 5, "warm"), clock: systemClock, env: {}, redactor: createRedactor() });
  const config = fleet(base, SERVICES, DELAY_MS, "svc");
  const rounds: Array<{ engine: number; bare: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    const results = await probeFleet({ config, clock: systemClock, env: {}, redactor: createRedactor() });
    const engine = performance.now() - t0;
    const failed = results.filter((r) => r.metrics.okCount !== r.metrics.count).length;
    if (failed) throw new Error(`${failed} of ${SERVICES} loopback probes failed; the figures would be meaningless`);
    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SERVICES) {
          const i = next++;
          const agent = new Agent();
          await (await request(`${base}/bare/${i}?d=${DELAY_MS}`, { dispatcher: agent })).body.json();
          await agent.destroy();
        }
      }),
    );
    rounds.push({ engine, bare: performance.now() - t1 });
  }
  const ideal = Math.ceil(SERVICES / CONCURRENCY) * DELAY_MS;
  const engineMedian = [...rounds.map((r) => r.engine)].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
  return { rounds, ideal, engineMedian, ratio: engineMedian / ideal };
}

async function overhead(base: string, held: Map<string, number>) {
  const config = fleet(base, 1, OVERHEAD_DELAY_MS, "one");
  const defaults = config.defaults;
  const keepAlive = new Agent();
  const env = {};
  const redactor = createRedactor();
  const probe: number[] = [];
  const bareKeepAlive: number[] = [];
  const bareFresh: number[] = [];
  const timed = async (path: string, into: number[], fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    into.push(performance.now() - t0 - held.get(path)!);
  };
  for (let i = 0; i < OVERHEAD_REQUESTS; i++) {
    const url = (kind: string) => `${base}/${kind}/${i}?d=${OVERHEAD_DELAY_MS}`;
    const service = { ...config.services[0]!, probe: { ...config.services[0]!.probe, url: url("p") } };
    await timed(`/p/${i}`, probe, async () => {
      const r = await probeService({ service, defaults, clock: systemClock, env, redactor, confirm: false });
      if (r.metrics.okCount !== 1) throw new Error(`probe ${i} failed: ${JSON.stringify(r.metrics.lastFailure)}`);
    });
    await timed(`/k/${i}`, bareKeepAlive, async () => (await request(url("k"), { dispatcher: keepAlive })).body.json());
    await timed(`/f/${i}`, bareFresh, async () => {
      const fresh = new Agent();
      await (await request(url("f"), { dispatcher: fresh })).body.json();
      await fresh.destroy();
    });
  }
  await keepAlive.destroy();
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { median: percentile(sorted, 50)!, p95: percentile(sorted, 95)! };
  };
  return { probe: stats(probe), keepAlive: stats(bareKeepAlive), fresh: stats(bareFresh) };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
const fleetServer = await startWorkerServer();
const t = await throughput(fleetServer.base).finally(() => fleetServer.close());
console.log(
  `(a) throughput: ${SERVICES} services, ${DELAY_MS} ms answers, samples=1, concurrency=${CONCURRENCY}, ideal ${ms(t.ideal)}`,
);
t.rounds.forEach((r, i) =>
  console.log(
    `    round ${i + 1}: probeFleet ${ms(r.engine)} (ratio ${(r.engine / t.ideal).toFixed(3)}); bare undici, same fleet ${ms(r.bare)} (ratio ${(r.bare / t.ideal).toFixed(3)})`,
  ),
);
console.log(
  `    median wall ${ms(t.engineMedian)}, ratio ${t.ratio.toFixed(3)} (target ≤ 1.25) ${t.ratio <= 1.25 ? "✅" : "❌"}\n`,
);
const server = await startServer();
try {
  const o = await overhead(server.base, server.held);
  const delta = o.probe.median - o.keepAlive.median;
  console.log(
    `(b) overhead: ${OVERHEAD_REQUESTS} sequential requests each, server delay ${OVERHEAD_DELAY_MS} ms subtracted per request`,
  );
  console.log(`    probe (probeService, fresh connection)  median ${ms(o.probe.median)}, p95 ${ms(o.probe.p95)}`);
  console.log(
    `    bare undici request, keep-alive          median ${ms(o.keepAlive.median)}, p95 ${ms(o.keepAlive.p95)}`,
  );
  console.log(`    bare undici request, fresh connection    median ${ms(o.fresh.median)}, p95 ${ms(o.fresh.p95)}`);
  console.log(`    probe − keep-alive baseline: median ${ms(delta)} (target ≤ 1 ms) ${delta <= 1 ? "✅" : "❌"}`);
} finally {
  await server.close();
}
