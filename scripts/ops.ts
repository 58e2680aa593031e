#!/usr/bin/env node
// The `ops` CLI: `npm run ops -- <command>` (or `npx tsx scripts/ops.ts <command>`). Thin: all
// behaviour lives in scripts/cli and the actions' modules; this only binds the process.
import { main } from "./cli/main.ts";

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  io: { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
});
