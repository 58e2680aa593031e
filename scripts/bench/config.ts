/**
 * `npm run bench:config`: a large config, 5,000 services by default (the default config's 29
 * services repeated with new ids, one flow-style line each, as a generated fleet file looks), loaded
 * and validated. Printed: the whole `ops validate` process (median of the rounds, wall and CPU),
 * and inside one process the parse alone with each parser (`yaml`'s Document, which keeps
 * positions, and the fast path), then loadConfig as `ops` calls it. Target: ≤ 1 s.
 *
 * Options: --services N (default 5000), --rounds N (default 5), --node PATH (a Node 24 for the
 * whole-process rows by type stripping; default this Node with tsx).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse, parseDocument, LineCounter, stringify } from "yaml";
import { loadConfig } from "../../actions/shared/config/load.ts";
import { fastParse } from "../../actions/shared/config/fast-yaml.ts";

const REPO = resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    services: { type: "string", default: "5000" },
    rounds: { type: "string", default: "5" },
    node: { type: "string" },
  },
});
const COUNT = Number(values.services);
const ROUNDS = Number(values.rounds);

/** The default config with `count` services: its own, then copies with new ids (no rollback, no placeholders). */
export function largeConfig(count: number): string {
  const base = parse(readFileSync(join(REPO, "ops.config.yml"), "utf8"), { merge: true }) as {
    services: Array<Record<string, unknown>>;
    [k: string]: unknown;
  };
  const templates = base.services;
  const line = (s: unknown) => `  - ${stringify(s, { collectionStyle: "flow", lineWidth: 0 }).trim()}`;
  const services = Array.from({ length: count }, (_, i) => {
    const s = structuredClone(templates[i % templates.length]!);
    s.owners = ["oncall-team"];
    if (i >= templates.length) {
      s.id = `${String(s.id)}-${i}`;
      delete s.rollback;
    }
    return line(s);
  });
  const rest = {
    ...base,
    services: undefined,
    incidents: { ...(base.incidents as object), escalation: [] },
    environments: {},
  };
  delete rest.services;
  return `${stringify(rest, { lineWidth: 0 })}services:\n${services.join("\n")}\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const CPU_PRELOAD = `data:text/javascript,${encodeURIComponent('import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.cpuUsage();try{writeSync(3,String(u.user+u.system))}catch{}})')}`;
function validate(node: string, args: string[]): Promise<{ wall: number; cpu: number; out: string }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(node, ["--import", CPU_PRELOAD, ...args], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    let out = "";
    let cpu = "";
    child.stdout!.on("data", (d: Buffer) => (out += d));
    child.stderr!.on("data", (d: Buffer) => (out += d));
    child.stdio[3]!.on("data", (d: Buffer) => (cpu += d));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0
        ? done({ wall: performance.now() - t0, cpu: Number(cpu) / 1000, out })
        : fail(new Error(`ops validate exited ${code}: ${out.slice(-1500)}`)),
    );
  });
}

const scratch = mkdtempSync(join(tmpdir(), "bench-config-"));
try {
  const text = largeConfig(COUNT);
  const file = join(scratch, "large.config.yml");
  writeFileSync(file, text);

  // Inside one process, each step once, cold (the first call pays the parsers' warm-up, as a run does).
  let t = cpuMs();
  const viaFast = fastParse(text);
  const fastMs = cpuMs() - t;
  t = cpuMs();
  parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true, merge: true }).toJS({ maxAliasCount: 1_000 });
  const documentMs = cpuMs() - t;
  t = cpuMs();
  const loaded = loadConfig(file);
  const loadMs = cpuMs() - t;
  if (!loaded.ok || viaFast === undefined)
    throw new Error(
      `the generated config does not load: ${JSON.stringify(loaded.ok ? "fast path refused it" : loaded.errors.slice(0, 3))}`,
    );

  const node = values.node ?? process.execPath;
  const args = [...(values.node ? [] : ["--import", "tsx"]), "scripts/ops.ts", "validate", "--config", file];
  const runs: Array<{ wall: number; cpu: number }> = [];
  for (let i = -1; i < ROUNDS; i++) {
    const r = await validate(node, args);
    if (i >= 0) runs.push(r);
  }
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const wall = median(runs.map((r) => r.wall));
  console.log(
    `bench:config — ${COUNT.toLocaleString("en")} services, ${(text.length / 1024).toFixed(0)} KiB of YAML; load average ${load}`,
  );
  console.log(
    `  in one process (CPU): yaml Document parse ${Math.round(documentMs)} ms; fast parse ${Math.round(fastMs)} ms; loadConfig (parse + zod + checks) ${Math.round(loadMs)} ms`,
  );
  console.log(
    `  ops validate, whole process, ${values.node ? `node ${version} (type stripping)` : `tsx on ${version}`}: wall ${(wall / 1000).toFixed(2)} s, cpu ${(median(runs.map((r) => r.cpu)) / 1000).toFixed(2)} s (median of ${ROUNDS}; walls ${runs.map((r) => (r.wall / 1000).toFixed(2)).join(", ")})`,
  );
  console.log(`  target ≤ 1 s: ${wall <= 1000 ? "✅" : "❌ (on a busy machine compare the cpu figure)"}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
