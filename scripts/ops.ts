#!/usr/bin/env node
// The `ops` CLI: `npm run ops -- <command>` (or `node scripts/ops.ts <command>` on Node 24). Thin:
// all behaviour lives in scripts/cli and the actions' modules; this only binds the process.
import module from "node:module";

// Node ≥ 22 keeps compiled code (and the stripped TypeScript) on disk between runs, which halves
// a warm start-up (`npm run bench:startup`); older Nodes lack the function and start as before.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { main } = await import("./cli/main.ts");
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  colour: process.stdout.isTTY === true && !process.env.NO_COLOR,
  io: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
});
