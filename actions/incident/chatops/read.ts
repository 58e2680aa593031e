import type { IssueComment } from "../../shared/github/types.ts";
import type { IssueWindow } from "../../shared/maintenance.ts";
import { parseCommand, type Command, type Phase } from "./parse.ts";

/**
 * The effect of ChatOps commands, read back from the incident issue's comments: the comments
 * themselves are the record (nothing else to keep in sync, and a command whose workflow run was
 * lost still counts). Only commands from people who may write to the repository count; the
 * permission is asked again here, because anyone can write "/ack" in a comment.
 */
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export const MAY_COMMAND: ReadonlySet<Permission> = new Set(["admin", "maintain", "write"]);

export interface IssueCommand {
  command: Command;
  by: string;
  at: string;
  commentId: number;
}

/**
 * Valid commands by permitted people, oldest first. `permissionOf` answers for every author
 * (the caller fetches them, once per login: `GET /repos/{o}/{r}/collaborators/{login}/permission`);
 * undefined counts as no permission. Comments without an author (stand-ins) are skipped.
 */
export function readIssueCommands(
  comments: readonly IssueComment[],
  permissionOf: (login: string) => Permission | undefined,
): IssueCommand[] {
  const out: IssueCommand[] = [];
  for (const c of comments) {
    if (!c.author) continue;
    const parsed = parseCommand(c.body);
    if (!parsed?.ok) continue;
    const permission = permissionOf(c.author);
    if (!permission || !MAY_COMMAND.has(permission)) continue;
    out.push({ command: parsed.command, by: c.author, at: c.createdAt, commentId: c.id });
  }
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.commentId - b.commentId);
}

/** The logins whose permission `readIssueCommands` will ask for: authors of comments that parse as commands. */
export function commandAuthors(comments: readonly IssueComment[]): string[] {
  return [...new Set(comments.filter((c) => c.author && parseCommand(c.body)?.ok).map((c) => c.author!))];
}

export interface CommandState {
  /** The first /ack (the time to acknowledge is measured to it). */
  acknowledged?: { by: string; at: string };
  /** The latest /silence, while it lasts. */
  silenced?: { by: string; at: string; until: string; reason: string };
  /** The latest /maintenance, while it lasts. */
  maintenance?: { by: string; at: string; until: string; reason: string };
  /** Every public update, oldest first (for the status page). */
  updates: Array<{ phase: Phase; text: string; by: string; at: string }>;
}

/** What the commands mean at `now`: silences and maintenance expire by themselves. */
export function commandState(commands: readonly IssueCommand[], now: Date): CommandState {
  const state: CommandState = { updates: [] };
  const t = now.getTime();
  for (const c of commands) {
    const at = Date.parse(c.at);
    if (at > t) continue; // a replay at an earlier time does not see later comments
    const cmd = c.command;
    if (cmd.kind === "ack") state.acknowledged ??= { by: c.by, at: c.at };
    else if (cmd.kind === "status") state.updates.push({ phase: cmd.phase, text: cmd.text, by: c.by, at: c.at });
    else if (cmd.kind === "silence" || cmd.kind === "maintenance") {
      const until = at + cmd.durationMs;
      const entry = { by: c.by, at: c.at, until: new Date(until).toISOString(), reason: cmd.reason };
      // The latest command wins, even a shorter one: "/silence 1m" ends a silence early.
      if (cmd.kind === "silence") state.silenced = until > t ? entry : undefined;
      else state.maintenance = until > t ? entry : undefined;
    }
  }
  return state;
}

/** A /maintenance as the maintenance module's issue window for `subjectId` (actions/shared/maintenance.ts `activeMaintenance`). */
export function maintenanceWindows(state: CommandState, subjectId: string, issueNumber: number): IssueWindow[] {
  const m = state.maintenance;
  if (!m) return [];
  return [
    {
      services: [subjectId],
      start: m.at,
      end: m.until,
      reason: `/maintenance by ${m.by} on #${issueNumber}${m.reason ? `: ${m.reason}` : ""}`,
    },
  ];
}
