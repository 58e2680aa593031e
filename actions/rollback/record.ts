/**
 * The audit record of one rollback: who asked, who approved, why, what ran before and after on
 * every machine, how verification went and how long each part took. Written as JSON (for tools)
 * and Markdown (for people) under reports/rollbacks/, then committed through the shared
 * safe-commit path like the monitor's results.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CommandResult } from "./command-provider.ts";
import type { MachineOutcome } from "./execute.ts";
import type { Approval } from "./github.ts";
import type { Verification } from "./verify.ts";
import { renderRollbackMarkdown } from "./summary.ts";

export const RECORD_DIR = "reports/rollbacks";

export type RollbackOutcome = "success" | "failure" | "partial" | "dry-run" | "planned";

export interface RollbackRecord {
  version: 1;
  id: string;
  service: string;
  serviceName: string;
  provider: "fly" | "command";
  app?: string;
  outcome: RollbackOutcome;
  /** One line saying how it ended, never claiming more than was observed. */
  summary: string;
  dispatchedBy: string;
  approvedBy: Approval[];
  /** Set when the approvals could not be read (the record says so rather than guessing). */
  approvalsError?: string;
  reason: string;
  incident?: number;
  run?: { id: number; attempt: number; url?: string };
  target: { input: string | null; image?: string; releaseVersion?: number; source: string };
  /** Images the machines ran before (fly), or "unknown" (command). */
  from: string[];
  to: string;
  /** The plan, in order, as printed. */
  plan: string[];
  machines?: MachineOutcome[];
  command?: CommandResult;
  verification?: Verification;
  verificationSkipped?: string;
  deployment?: { id: number; url?: string };
  timings: { startedAt: string; rolloutMs?: number; verifyMs?: number; finishedAt: string; totalMs: number };
  /** Things that went wrong around the rollback (GitHub calls, lease release) without stopping it. */
  notes: string[];
}

export function recordId(service: string, startedAt: Date, run?: { id: number; attempt: number }): string {
  const day = startedAt.toISOString().slice(0, 10);
  const suffix = run ? `run${run.id}-${run.attempt}` : startedAt.toISOString().slice(11, 19).replaceAll(":", "");
  return `${day}-${service}-${suffix}`;
}

/** Writes `<id>.json` and `<id>.md`; returns the paths relative to `dataDir`. */
export async function writeRecord(dataDir: string, record: RollbackRecord): Promise<string[]> {
  const dir = join(dataDir, RECORD_DIR);
  await mkdir(dir, { recursive: true });
  const json = `${RECORD_DIR}/${record.id}.json`;
  const md = `${RECORD_DIR}/${record.id}.md`;
  await writeFile(join(dataDir, json), `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(join(dataDir, md), renderRollbackMarkdown(record));
  return [json, md];
}
