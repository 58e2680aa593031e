/**
 * `npm run bench:startup`: how long each `ops` command takes from process start to exit, against
 * `node -e 0`, as printed figures (no test asserts on timing). Each command runs as a fresh child
 * process, the variants interleaved round by round so a busy neighbour slows them alike; the
 * median of the rounds is printed, wall and CPU (the child's own user + system time, read at its
 * exit by a one-line preload: on a shared machine CPU is the steadier of the two).
 *
 * Runtimes: the CLI bundle (`npm run build`, scripts/build.ts) without a compile cache, as the
 * monitor workflow runs it on a fresh runner; Node's own type stripping of the sources (Node ≥
 * 22.18 / 24), with its compile cache warm (a second run on the same machine) and disabled (a
 * fresh runner); and `node --import tsx` (what `npm run ops` pays, less npm's own start).
 * On Node 20, point NODE24 at a Node 24 binary (`npm i node@24` in a scratch folder, then
 * NODE24=…/node_modules/node/bin/node) for the type-stripping rows.
 *
 * Options: --rounds N (default 7). Bounded: rounds × variants × commands child processes, one
 * loopback HTTP server answering `ops probe`'s one service.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildCli } from "../build.ts";

const REPO = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const ROUNDS = Number(values.rounds);

/** The child writes its own CPU time (µs, user + system) on fd 3 as it exits. */
const CPU_PRELOAD = `data:text/javascript,${encodeURIComponent(
  'import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.cpuUsage();try{writeSync(3,String(u.user+u.system))}catch{}})',
)}`;

interface Variant {
  label: string;
  node: string;
  args: string[];
  env?: Record<string, string>;
}
interface Row {
  label: string;
  argv: string[];
  variant: Variant;
  wall: number[];
  cpu: number[];
}

function run(
  node: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ wall: number; cpu: number; code: number | null }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(node, ["--import", CPU_PRELOAD, ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let cpu = "";
    let err = "";
    child.stdio[3]!.on("data", (d: Buffer) => (cpu += d));
    child.stderr!.on("data", (d: Buffer) => (err += d));
    child.on("error", fail);
    child.on("close", (code) => {
      const wall = performance.now() - t0;
      if (code !== 0 && code !== 2) fail(new Error(`${node} ${args.join(" ")} exited ${code}: ${err.slice(-1000)}`));
      else done({ wall, cpu: Number(cpu) / 1000, code });
    });
  });
}

function nodeWithStripping(): string | undefined {
  const candidates = [process.env.NODE24, process.execPath].filter((p): p is string => !!p && existsSync(p));
  for (const node of candidates) {
    try {
      const ok = execFileSync(
        node,
        [
          "--input-type=module",
          "-e",
          `await import(${JSON.stringify(join(REPO, "actions/shared/clock.ts"))}); console.log("ok")`,
        ],
        { encoding: "utf8" },
      );
      if (ok.trim() === "ok") return node;
    } catch {
      // This Node cannot load .ts by itself.
    }
  }
  return undefined;
}

async function bundle(dir: string): Promise<string | undefined> {
  if (!existsSync(join(REPO, "node_modules/esbuild"))) return undefined;
  return buildCli(dir);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = http.createServer((_req, res) => res.end('{"status":"ok"}'));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const scratch = mkdtempSync(join(tmpdir(), "bench-startup-"));
try {
  const port = (server.address() as AddressInfo).port;
  const probeConfig = join(scratch, "probe.yml");
  writeFileSync(
    probeConfig,
    `defaults: { samples: 1 }\nservices:\n  - id: local\n    name: Local\n    probe: { type: http, url: "http://127.0.0.1:${port}/health" }\n`,
  );
  const data = join(scratch, "data");

  const stripping = nodeWithStripping();
  const tsx = join(REPO, "node_modules/tsx/dist/esm/index.mjs");
  // Inside the repository (.bench/ is ignored), where dist/ would be.
  const bundleDir = join(REPO, ".bench", `startup-bundle-${process.pid}`);
  const bundled = await bundle(bundleDir);
  const variants: Variant[] = [];
  const cache = join(scratch, "compile-cache");
  if (stripping) {
    variants.push({
      label: "node (type stripping), compile cache warm",
      node: stripping,
      args: ["scripts/ops.ts"],
      env: { NODE_COMPILE_CACHE: cache },
    });
    variants.push({
      label: "node (type stripping), no compile cache",
      node: stripping,
      args: ["scripts/ops.ts"],
      env: { NODE_DISABLE_COMPILE_CACHE: "1" },
    });
  }
  if (existsSync(tsx))
    variants.push({ label: "node --import tsx", node: process.execPath, args: ["--import", "tsx", "scripts/ops.ts"] });
  if (bundled)
    variants.push({
      label: "bundle (npm run build), no compile cache: as monitor.yml runs it on a fresh runner",
      node: stripping ?? process.execPath,
      args: [bundled],
      env: { NODE_DISABLE_COMPILE_CACHE: "1" },
    });

  const commands: Array<{ label: string; argv: string[] }> = [
    { label: "ops --help", argv: ["--help"] },
    { label: "ops --version", argv: ["--version"] },
    { label: "ops validate (default config)", argv: ["validate"] },
    { label: "ops plan", argv: ["plan"] },
    { label: "ops run --help", argv: ["run", "--help"] },
    {
      label: "ops probe --only local (1 loopback service)",
      argv: ["probe", "--config", probeConfig, "--data", data, "--only", "local"],
    },
  ];
  const floorNode = stripping ?? process.execPath;
  const floor: Row = {
    label: "node -e 0",
    argv: [],
    variant: { label: "floor", node: floorNode, args: ["-e", "0"] },
    wall: [],
    cpu: [],
  };
  const rows: Row[] = [floor];
  for (const variant of variants)
    for (const c of commands) rows.push({ label: c.label, argv: c.argv, variant, wall: [], cpu: [] });

  // One unmeasured round first: it fills the compile cache and the file system cache.
  for (let round = -1; round < ROUNDS; round++) {
    for (const row of rows) {
      const r = await run(row.variant.node, [...row.variant.args, ...row.argv], row.variant.env);
      if (round < 0) continue;
      row.wall.push(r.wall);
      row.cpu.push(r.cpu);
    }
  }

  const version = (node: string) => execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`bench:startup — median of ${ROUNDS} rounds, whole process (spawn to exit); load average ${load}`);
  console.log(
    `node ${version(floorNode)}${stripping ? "" : " (no type stripping here: set NODE24 for those rows)"}; tsx rows on ${process.version}\n`,
  );
  const f = { wall: median(floor.wall), cpu: median(floor.cpu) };
  const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  console.log(`${"node -e 0".padEnd(46)} wall ${fmt(f.wall)}  cpu ${fmt(f.cpu)}`);
  for (const variant of variants) {
    console.log(`\n${variant.label}`);
    for (const row of rows.filter((r) => r.variant === variant)) {
      const w = median(row.wall);
      const c = median(row.cpu);
      console.log(
        `  ${row.label.padEnd(44)} wall ${fmt(w)} (${(w / f.wall).toFixed(1)}× node -e 0)  cpu ${fmt(c)} (${(c / f.cpu).toFixed(1)}×)`,
      );
    }
  }
  const target = rows.find((r) => r.variant === variants[0] && r.argv[0] === "validate");
  if (target && stripping) {
    const w = median(target.wall);
    console.log(
      `\ntarget: ops validate ≤ 0.4 s wall on Node 24 type stripping: ${fmt(w)} wall, ${fmt(median(target.cpu))} cpu ${w <= 400 ? "✅" : "❌ (on a busy machine compare the cpu column)"}`,
    );
  }
} finally {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
  rmSync(join(REPO, ".bench", `startup-bundle-${process.pid}`), { recursive: true, force: true });
}
