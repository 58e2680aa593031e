import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { IssuesApi } from "../shared/github/types.ts";
import { parseMaintenanceIssue, type IssueWindow } from "../shared/maintenance.ts";
import { writeFileAtomic } from "../shared/store/files.ts";

/** Windows announced in open issues labelled `maintenance`; an unreadable one is reported, not fatal. */
export async function loadMaintenanceIssues(github: IssuesApi, label = "maintenance"): Promise<{ windows: IssueWindow[]; problems: string[] }> {
  const issues = await github.listIssues({ state: "open", labels: [label] });
  const windows: IssueWindow[] = [];
  const problems: string[] = [];
  for (const issue of issues) {
    const parsed = parseMaintenanceIssue(issue);
    if ("error" in parsed) problems.push(parsed.error);
    else windows.push(parsed);
  }
  return { windows, problems };
}

/** The maintenance windows read from GitHub the last time it answered, kept for when it does not. */
export interface KnownWindows {
  /** When GitHub was read. */
  at: string;
  windows: IssueWindow[];
}

export interface MaintenanceRead {
  windows: IssueWindow[];
  problems: string[];
  /** "github": read now; "last-known": GitHub did not answer in time, the last known windows are used. */
  source: "github" | "last-known";
  /** Fresh windows to keep for next time (only when read from GitHub). */
  known?: KnownWindows;
  /** Says what happened when GitHub was not read (for the run's notes and the job summary). */
  note?: string;
}

/**
 * Reads the maintenance issues with a deadline, so probing never waits on GitHub: meant to run
 * concurrently with the probes. When GitHub fails or is slower than `deadlineMs`, the last known
 * windows (`lastKnown`, from `readKnownWindows`) stand in, windows that have ended drop out by
 * themselves (activeMaintenance checks start/end), and the note says so. Never rejects.
 */
export async function readMaintenanceWithDeadline(input: {
  github: IssuesApi;
  deadlineMs: number;
  lastKnown?: KnownWindows;
  now: Date;
  label?: string;
}): Promise<MaintenanceRead> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<{ late: true }>((resolve) => {
    timer = setTimeout(() => resolve({ late: true }), input.deadlineMs);
  });
  try {
    const read = loadMaintenanceIssues(input.github, input.label).then(
      (r) => ({ ok: true as const, ...r }),
      (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }),
    );
    const r = await Promise.race([read, deadline]);
    if ("late" in r || !r.ok) {
      const why = "late" in r ? `GitHub did not answer within ${input.deadlineMs} ms` : r.error;
      const known = input.lastKnown;
      const note = known
        ? `maintenance issues not read (${why}); using the ${known.windows.length} window(s) known from ${known.at}`
        : `maintenance issues not read (${why}); no earlier windows are known, only the config's apply`;
      return { windows: known?.windows ?? [], problems: [], source: "last-known", note };
    }
    return { windows: r.windows, problems: r.problems, source: "github", known: { at: input.now.toISOString(), windows: r.windows } };
  } finally {
    clearTimeout(timer);
  }
}

const KnownWindowsFile = z.object({
  at: z.string(),
  windows: z.array(z.object({ services: z.array(z.string()), start: z.string(), end: z.string(), reason: z.string() })),
});

/** `reports/maintenance-windows.json` */
export const knownWindowsPath = (dataDir: string) => join(dataDir, "reports", "maintenance-windows.json");

/** The last known windows, or undefined when there are none (a missing or unreadable file). */
export async function readKnownWindows(dataDir: string): Promise<KnownWindows | undefined> {
  let text: string;
  try {
    text = await readFile(knownWindowsPath(dataDir), "utf8");
  } catch {
    // No file yet: nothing is known, which the caller's note says.
    return undefined;
  }
  try {
    const parsed = KnownWindowsFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A corrupt file is as good as none; the next successful read rewrites it.
    return undefined;
  }
}

export async function writeKnownWindows(dataDir: string, known: KnownWindows): Promise<void> {
  await writeFileAtomic(knownWindowsPath(dataDir), `${JSON.stringify(known, null, 2)}\n`);
}
