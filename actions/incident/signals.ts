import type { IncidentsConfig } from "../shared/config/schema/incidents.ts";
import type { Issue, IssueComment, IssuesApi, RepoRole } from "../shared/github/types.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";
import { commandAuthors, commandState, readIssueCommands, type CommandState } from "./chatops/read.ts";
import type { Signal } from "./lifecycle.ts";

/**
 * What people said on the open incidents' issues, read once per open incident per run: the issue's
 * comments (listed once, and handed on to the public-updates refresh and the tracker), the ChatOps
 * commands in them by writers (asked of GitHub once per login per run), and the assignees from the
 * run's listing of open issues (no extra call).
 */
export interface IssueSignals {
  /** Comments by issue number, for every issue read this run. */
  comments: Map<number, IssueComment[]>;
  /** Acknowledgements by incident key, for the lifecycle. */
  signals: Record<string, Signal>;
  /** The commands in force by incident key (silences, for the notifications). */
  commands: Record<string, CommandState>;
  /** Repository roles asked this run, by login. */
  roles: Map<string, RepoRole>;
  errors: string[];
}

export async function readSignals(o: {
  github: Pick<IssuesApi, "listComments" | "permissionOf">;
  incidents: Readonly<Record<string, IncidentState>>;
  /** The run's listing of open incident issues, by key. */
  open: ReadonlyMap<string, Issue[]>;
  config: IncidentsConfig;
  now: Date;
}): Promise<IssueSignals> {
  const out: IssueSignals = { comments: new Map(), signals: {}, commands: {}, roles: new Map(), errors: [] };
  for (const [key, state] of Object.entries(o.incidents)) {
    if (state.state !== "open" || !state.number || state.number <= 0) continue;
    const issue = o.open.get(key)?.find((i) => i.number === state.number);
    let comments: IssueComment[];
    try {
      comments = await o.github.listComments(state.number);
      for (const login of commandAuthors(comments)) {
        if (!out.roles.has(login)) out.roles.set(login, await o.github.permissionOf(login));
      }
    } catch (error) {
      // Without the comments nothing is acknowledged this run: escalation goes on, which is safe.
      out.errors.push(
        `${key}: cannot read the comments of #${state.number}: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    out.comments.set(state.number, comments);
    const commands = commandState(
      readIssueCommands(comments, (login) => out.roles.get(login)),
      o.now,
    );
    out.commands[key] = commands;
    const assignee = issue ? humanAssignees(issue, state, o.config)[0] : undefined;
    const ack = commands.acknowledged
      ? { ...commands.acknowledged, via: "comment" as const }
      : assignee
        ? { by: assignee, at: o.now.toISOString(), via: "assignment" as const }
        : undefined;
    if (ack) out.signals[key] = { ack };
  }
  return out;
}

/**
 * Assignees who acknowledge by being assigned: not bots, and not the logins the escalation itself
 * assigned at the levels this incident reached (being paged is not answering the page).
 */
export function humanAssignees(issue: Issue, state: IncidentState, config: IncidentsConfig): string[] {
  const byAutomation = new Set(
    config.escalation.filter((l) => l.level <= state.escalationLevel).flatMap((l) => l.assign.map(low)),
  );
  return issue.assignees.filter((a) => !/\[bot\]$/i.test(a) && !byAutomation.has(low(a)));
}

function low(login: string): string {
  return login.replace(/^@/, "").toLowerCase();
}
