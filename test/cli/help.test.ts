import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../scripts/cli/main.ts";

async function ops(...argv: string[]) {
  const cwd = await mkdtemp(join(tmpdir(), "ops-help-"));
  let out = "";
  let err = "";
  const code = await main(argv, { env: {}, cwd, io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
  return { code, out, err, cwd };
}

/** The options the issue found in no help text, by the command that takes them. */
const OWN: Record<string, string[]> = {
  commit: ["--paths", "--message", "--no-push", "--attempts", "--remote", "--branch", "--restore", "--flush-every"],
  merge: ["--from", "--out"],
  probe: ["--shard", "--location", "--write"],
  report: ["--force"],
  rollback: ["--target", "--reason", "--incident", "--commit", "--verify-timeout"],
  demo: ["--runs", "--serve"],
  run: ["--site"],
  validate: [],
};
const COMMON = ["--config", "--data", "--now", "--only", "--json", "--dry-run", "--help"];

describe("ops <command> --help", () => {
  for (const [command, own] of Object.entries(OWN)) {
    it(`${command}: a line with a description for each of its options, and runs nothing`, async () => {
      const r = await ops(command, "--help");
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toMatch(new RegExp(`^ops ${command} — \\S`));
      expect(r.out).toContain(`Usage: ops ${command}`);
      for (const option of [...own, ...COMMON]) {
        // The flag, its value's placeholder if any, then at least two words of description.
        expect(r.out, option).toMatch(new RegExp(`^ +(-h, )?${option}( \\S+)? {2,}\\S+ \\S+`, "m"));
      }
      // Only this command's own options come before the common ones.
      const ownPart = r.out.split("Options every command takes:")[0]!;
      expect((ownPart.match(/^ +--/gm) ?? []).length).toBe(own.length);
      expect(await readdir(r.cwd)).toEqual([]);
    });
  }

  it("-h does the same, and shows a positional argument in the usage line", async () => {
    const r = await ops("rollback", "-h");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: ops rollback <service> [options]");
    expect(r.out).toMatch(/--verify-timeout DURATION +how long .*\(default 5m\)/);
  });

  it("ops --help lists every command and points to the per-command help", async () => {
    const r = await ops("--help");
    expect(r.code).toBe(0);
    for (const command of Object.keys(OWN)) expect(r.out).toMatch(new RegExp(`^  ${command} +\\w`, "m"));
    expect(r.out).toContain('Run "ops <command> --help"');
  });
});

describe("ops --version", () => {
  it("prints the package's name and version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      name: string;
      version: string;
    };
    const r = await ops("--version");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${pkg.name} ${pkg.version}\n`);
  });
});

describe("bad options", () => {
  it("an unknown option is named with the command's valid options, not parseArgs' text", async () => {
    const r = await ops("run", "--bogus");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain(
      "ops run: unknown option --bogus; valid options: --config, --data, --now, --only, --json, --dry-run, --help",
    );
    expect(r.err).toContain('Run "ops run --help" for its options.');
    expect(r.err).not.toMatch(/Unknown option|To specify a positional/);
  });

  it("a near miss gets a suggestion from that command's options", async () => {
    const r = await ops("merge", "--form", "artifacts");
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option --form (did you mean --from?)");
    expect(r.err).toContain("--from, --out");
  });

  it("a string option without its value, and a switch given a value, say which and what is expected", async () => {
    const missing = await ops("merge", "--from");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(
      "ops merge: --from needs a value (DIR): the folder the shard artifacts were downloaded to",
    );
    const valued = await ops("validate", "--json=yes");
    expect(valued.code).toBe(2);
    expect(valued.err).toContain("--json is a switch and takes no value");
  });
});
