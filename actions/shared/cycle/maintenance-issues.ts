import type { IssuesApi } from "../github/types.ts";
import { parseMaintenanceIssue, type IssueWindow } from "../maintenance.ts";

/** Windows announced in open issues labelled `maintenance`; an unreadable one is reported, not fatal. */
export async function loadMaintenanceIssues(
  github: IssuesApi,
  label = "maintenance",
): Promise<{ windows: IssueWindow[]; problems: string[] }> {
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
 * windows (`lastKnown`, kept in latest.json's `maintenanceKnown`) stand in, windows that have ended drop out by
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
    return {
      windows: r.windows,
      problems: r.problems,
      source: "github",
      known: { at: input.now.toISOString(), windows: r.windows },
    };
  } finally {
    clearTimeout(timer);
  }
}
