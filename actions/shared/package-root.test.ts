import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageRoot } from "./package-root.ts";

const ROOT = new URL("../../", import.meta.url).href;

describe("packageRoot", () => {
  it("finds the repository from a source module and from a bundle chunk in dist/", () => {
    expect(packageRoot(new URL("../incident/template.ts", import.meta.url)).href).toBe(ROOT);
    expect(packageRoot(new URL("dist/chunk-ABC.js", ROOT)).href).toBe(ROOT);
  });

  it("falls back to the module's own folder when no package.json is above it", () => {
    const dir = mkdtempSync(join(tmpdir(), "no-package-"));
    try {
      const from = pathToFileURL(join(dir, "ops.js"));
      expect(packageRoot(from).href).toBe(new URL(".", from).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
