import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { invalidUtf8At, loadConfig, MAX_CONFIG_BYTES } from "./load.ts";

const dir = mkdtempSync(join(tmpdir(), "config-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const VALID = "services:\n  - id: web\n    name: Web\n    probe: { type: http, url: https://example.test }\n";

describe("the config file's bytes", () => {
  it("refuses invalid UTF-8 with the place, instead of replacing it", () => {
    const file = join(dir, "latin1.yml");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from(VALID), Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
    );
    const r = loadConfig(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({
        expected: "UTF-8 text",
        found: `byte 0xe9 at offset ${VALID.length + 5}`,
        line: 5,
        column: 6,
        message: expect.stringMatching(/not valid UTF-8 .*save it as UTF-8/),
      }),
    ]);
  });

  it("refuses a file over 4 MiB before reading it", () => {
    const file = join(dir, "huge.yml");
    writeFileSync(file, VALID + `# ${"x".repeat(MAX_CONFIG_BYTES)}\n`);
    const r = loadConfig(file);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({
        expected: "a config of at most 4 MiB",
        message: expect.stringMatching(/too large \(\d+ bytes\)/),
      });
  });

  it("still loads valid UTF-8 (accents, emoji)", () => {
    const file = join(dir, "ok.yml");
    writeFileSync(file, VALID.replace("name: Web", "name: Café 🚀"));
    const r = loadConfig(file);
    expect(r.ok).toBe(true);
  });

  it("finds the first invalid byte: overlong forms, surrogates, truncated sequences, stray continuations", () => {
    expect(invalidUtf8At(Buffer.from("héllo 😀"))).toBeUndefined();
    expect(invalidUtf8At(Uint8Array.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(invalidUtf8At(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(invalidUtf8At(Uint8Array.from([0xe2, 0x82]))).toBe(0);
    expect(invalidUtf8At(Uint8Array.from([0x61, 0x80]))).toBe(1);
    expect(invalidUtf8At(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });
});
