import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DebianTool, onPath, type ProvisionDeps, provisionDebian, skipWithout } from "./provision.ts";

// The decisions and the lock, with apt-get replaced by a recorder (the installer is the boundary:
// installing a package for real is what the Prometheus suite itself does on a fresh machine).
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(over: Partial<ProvisionDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "provision-test-"));
  dirs.push(dir);
  let installed: string | undefined;
  const installs: string[] = [];
  const lines: string[] = [];
  const tool: DebianTool = {
    name: "widget",
    debianPackage: "widget-server",
    find: () => installed,
    elsewhere: "put widget on PATH",
  };
  const deps: ProvisionDeps = {
    platform: "linux",
    uid: 0,
    hasApt: () => true,
    aptInstall: async (pkg) => {
      installs.push(pkg);
      await new Promise((r) => setTimeout(r, 30)); // long enough for a second caller to queue on the lock
      installed = "/usr/bin/widget";
    },
    lockDir: join(dir, "lock"),
    log: (l) => lines.push(l),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 10))),
    ...over,
  };
  return { dir, tool, deps, installs, lines, install: (p: string) => (installed = p) };
}

describe("provisionDebian", () => {
  it("uses what is already there and installs nothing", async () => {
    const s = setup();
    s.install("/opt/widget");
    expect(await provisionDebian(s.tool, s.deps)).toEqual({ ok: true, path: "/opt/widget", source: "system" });
    expect(s.installs).toEqual([]);
  });

  it("as root with apt, installs the Debian package once even when two workers ask at the same time, and says so", async () => {
    const s = setup();
    const [a, b] = await Promise.all([provisionDebian(s.tool, s.deps), provisionDebian(s.tool, s.deps)]);
    expect(s.installs).toEqual(["widget-server"]);
    expect(a).toMatchObject({ ok: true, path: "/usr/bin/widget" });
    expect(b).toMatchObject({ ok: true, path: "/usr/bin/widget" });
    expect(s.lines.filter((l) => l.includes("installing Debian's package widget-server"))).toHaveLength(1);
  });

  it.each([
    [
      "not root",
      { uid: 1000 },
      /widget not found and not running as root.*apt-get install widget-server.*put widget on PATH/,
    ],
    [
      "not Linux",
      { platform: "darwin" as const },
      /widget not found \(not Linux.*apt-get install widget-server.*put widget on PATH/,
    ],
    ["no apt-get", { hasApt: () => false }, /no apt-get here: apt-get install widget-server/],
  ])("%s: no install, and a reason that names the binary and how to install it", async (_, over, reason) => {
    const s = setup(over);
    const found = await provisionDebian(s.tool, s.deps);
    expect(found.ok).toBe(false);
    expect(!found.ok && found.reason).toMatch(reason);
    expect(s.installs).toEqual([]);
  });

  it("an apt-get failure becomes the reason, with apt's own words, and releases the lock", async () => {
    const s = setup({
      aptInstall: async () =>
        Promise.reject(Object.assign(new Error("exit 100"), { stderr: "E: Unable to locate package widget-server" })),
    });
    const found = await provisionDebian(s.tool, s.deps);
    expect(!found.ok && found.reason).toMatch(
      /apt-get install widget-server failed \(E: Unable to locate package widget-server\)/,
    );
    const again = await provisionDebian(s.tool, s.deps); // would wait forever if the lock were kept
    expect(again.ok).toBe(false);
  });

  it("takes over a lock left by a process that died", async () => {
    const s = setup();
    mkdirSync(s.deps.lockDir);
    writeFileSync(join(s.deps.lockDir, "pid"), "2147483646"); // no such process
    expect(await provisionDebian(s.tool, s.deps)).toMatchObject({ ok: true, path: "/usr/bin/widget" });
  });
});

describe("skipWithout", () => {
  const missing = {
    ok: false as const,
    reason: "prometheus not found and not running as root: apt-get install prometheus",
  };

  it("runs the suite when the binary is there", () => {
    expect(skipWithout({ ok: true, path: "/usr/bin/prometheus", source: "system" }, "suite", {}, () => {})).toBe(false);
  });

  it("skips with one loud line naming the binary and the install command", () => {
    const lines: string[] = [];
    expect(skipWithout(missing, "test/probes/prometheus.test.ts", {}, (l) => lines.push(l))).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /SKIPPED test\/probes\/prometheus\.test\.ts: prometheus not found .*apt-get install prometheus/,
    );
  });

  it("under CI=true a skip is a failure", () => {
    expect(() => skipWithout(missing, "test/probes/prometheus.test.ts", { CI: "true" }, () => {})).toThrow(
      /SKIPPED .*CI=true: a skipped suite is a failure/,
    );
  });
});

describe("onPath", () => {
  it("finds an executable file on PATH, not a plain file or a directory", () => {
    const s = setup();
    for (const d of ["a", "b"]) mkdirSync(join(s.dir, d));
    writeFileSync(join(s.dir, "a", "tool"), "not executable");
    mkdirSync(join(s.dir, "a", "dir-tool"));
    writeFileSync(join(s.dir, "b", "tool"), "#!/bin/sh\n");
    chmodSync(join(s.dir, "b", "tool"), 0o755);
    const path = [join(s.dir, "a"), join(s.dir, "b")].join(":");
    expect(onPath("tool", path)).toBe(join(s.dir, "b", "tool"));
    expect(onPath("dir-tool", path)).toBeUndefined();
  });
});
