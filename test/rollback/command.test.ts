import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manualClock } from "../../actions/shared/clock.ts";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { buildCommandArgv, runRollbackCommand, type CommandRollback } from "../../actions/rollback/command-provider.ts";

const DEFAULT_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$";
/** A real program that prints the argv it received, one JSON array. */
const ECHO_ARGV = [process.execPath, "-e", "process.stdout.write(JSON.stringify(process.argv.slice(1)))", "--"];
const dir = mkdtempSync(join(tmpdir(), "rollback-cmd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const provider = (command: string[], targetPattern = DEFAULT_PATTERN): CommandRollback => ({
  provider: "command",
  command,
  targetPattern,
});
const run = (argv: string[], env: Record<string, string> = {}) =>
  runRollbackCommand(argv, {
    clock: manualClock("2026-11-22T16:00:00Z"),
    env: { PATH: process.env.PATH, ...env },
    redactor: redactorFor(env),
  });
function redactorFor(env: Record<string, string>) {
  const r = createRedactor();
  for (const v of Object.values(env)) r.add(v);
  return r;
}

describe("command provider", () => {
  it("rejects a target with shell syntax through the pattern, before anything runs", () => {
    expect(() =>
      buildCommandArgv(provider(["flyctl", "deploy", "--image", "{target}"]), {
        service: "agent-sdk",
        target: "v42; rm -rf /",
      }),
    ).toThrow(/input "target": "v42; rm -rf \/" does not match agent-sdk's targetPattern/);
    expect(() =>
      buildCommandArgv(provider(["flyctl", "deploy", "--image", "{target}"]), { service: "agent-sdk", target: "-rf" }),
    ).toThrow(/does not match/);
  });

  it("anchors a pattern that forgot ^ and $", () => {
    expect(() =>
      buildCommandArgv(provider(["x", "{target}"], "[a-z]+"), { service: "s", target: "ok; reboot" }),
    ).toThrow(/does not match/);
  });

  it("passes an element with spaces to the program as one argument", async () => {
    const argv = buildCommandArgv(
      provider([...ECHO_ARGV, "--message", "roll back {service} to {target}", "{target}"], "^[a-z0-9 .]+$"),
      {
        service: "agent-sdk",
        target: "two words",
      },
    );
    const result = await run(argv);
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.stdout)).toEqual(["--message", "roll back agent-sdk to two words", "two words"]);
  });

  it("never involves a shell, even when a permissive pattern lets metacharacters through", async () => {
    const marker = join(dir, "pwned");
    const target = `$(touch ${marker}); touch ${marker} && echo \`id\``;
    const argv = buildCommandArgv(provider([...ECHO_ARGV, "{target}"], ".*"), { service: "s", target });
    const result = await run(argv);
    expect(JSON.parse(result.stdout)).toEqual([target]);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses a template that runs a shell", () => {
    expect(() =>
      buildCommandArgv(provider(["sh", "-c", "flyctl deploy --image {target}"]), { service: "s", target: "v1" }),
    ).toThrow(/runs a shell \(sh -c\)/);
    expect(() =>
      buildCommandArgv(provider(["/bin/bash", "-lc", "x {target}"]), { service: "s", target: "v1" }),
    ).toThrow(/runs a shell/);
  });

  it("asks for a target when the template needs one, and refuses one it cannot use", () => {
    expect(() => buildCommandArgv(provider(["flyctl", "deploy", "--image", "{target}"]), { service: "s" })).toThrow(
      /input "target": required for s/,
    );
    expect(
      buildCommandArgv(provider(["flyctl", "releases", "rollback", "-a", "{service}"]), { service: "hotdash" }),
    ).toEqual(["flyctl", "releases", "rollback", "-a", "hotdash"]);
    expect(() =>
      buildCommandArgv(provider(["flyctl", "releases", "rollback"]), { service: "s", target: "v1" }),
    ).toThrow(/takes no target/);
  });

  it("reports a failing or missing program as a result, with secrets scrubbed", async () => {
    const secret = "fo1_supersecrettoken";
    const failing = await run(
      [process.execPath, "-e", "console.error('token ' + process.env.FLY_API_TOKEN); process.exit(3)"],
      { FLY_API_TOKEN: secret },
    );
    expect(failing).toMatchObject({ ok: false, exitCode: 3, error: "exited with code 3" });
    expect(failing.stderr).toContain("token ***");
    expect(failing.stderr).not.toContain(secret);
    const missing = await run(["definitely-not-a-program-xyz", "v1"]);
    expect(missing).toMatchObject({
      ok: false,
      error: "program not found: definitely-not-a-program-xyz; install it in the workflow before the rollback step",
    });
  });
});
