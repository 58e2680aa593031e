import { formatDuration, parseDuration } from "../../shared/config/schema/units.ts";

/**
 * ChatOps commands on an incident issue (issue 12 §4). A command is the first line of a comment,
 * which starts with "/" (no leading space); later lines are a free note. Names are case-insensitive. Durations use the config's grammar ("30m", "2h",
 * "1d"; units.ts). Pure: text in, a typed command or a reason out. Never runs anything.
 */
export const PHASES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type Phase = (typeof PHASES)[number];

export type Command =
  | { kind: "ack" }
  | { kind: "silence"; durationMs: number; reason: string }
  | { kind: "maintenance"; durationMs: number; reason: string }
  | { kind: "status"; phase: Phase; text: string }
  | { kind: "rollback"; target: string; reason: string };

export type Parsed = { ok: true; command: Command } | { ok: false; error: string };

/** Limits: a silence longer than a week or a maintenance longer than a day is a typo more often than a plan. */
export const LIMITS = {
  silenceMs: 7 * 86_400_000,
  maintenanceMs: 86_400_000,
  minMs: 60_000,
  line: 1_000,
  reason: 500,
} as const;

export const USAGE = [
  "`/ack` — I'm on it (stops escalation and reminders)",
  "`/silence <duration> <reason>` — no notifications for this incident until then, e.g. `/silence 2h waiting for Fly support`",
  "`/maintenance <duration> [reason]` — treat the service as in maintenance, e.g. `/maintenance 1h migrating the database`",
  "`/status <investigating|identified|monitoring|resolved>: <text>` — a public update for the status page",
  "`/rollback <target|previous> <reason>` — dispatch rollback.yml for this service (a production reviewer still approves it)",
];

const NAME = /^\/([A-Za-z][A-Za-z-]*)(?=\s|$)/;

/** `undefined` when the comment is not a command at all (an ordinary comment). */
export function parseCommand(body: string): Parsed | undefined {
  // Only the head is looked at: a huge body costs nothing.
  // The command starts the comment, exactly as the workflow's `startsWith(comment.body, '/')` sees it.
  const head = body.slice(0, 4 * LIMITS.line);
  const name = NAME.exec(head);
  if (!name) return undefined;
  const end = head.search(/\r?\n/);
  const line = (end < 0 ? head : head.slice(0, end)).trim();
  if (end < 0 && body.length > head.length)
    return { ok: false, error: `the command line is longer than ${LIMITS.line} characters` };
  if (line.length > LIMITS.line)
    return { ok: false, error: `the command line is longer than ${LIMITS.line} characters` };
  const rest = line.slice(name[0].length).trim();
  switch (name[1]!.toLowerCase()) {
    case "ack":
      return { ok: true, command: { kind: "ack" } };
    case "silence": {
      const [d, reason] = durationThenText(rest, "/silence <duration> <reason>", LIMITS.silenceMs);
      if (typeof d === "string") return { ok: false, error: d };
      if (!reason)
        return {
          ok: false,
          error: "say why: `/silence <duration> <reason>`, e.g. `/silence 2h waiting for Fly support`",
        };
      return tooLong(reason) ?? { ok: true, command: { kind: "silence", durationMs: d, reason } };
    }
    case "maintenance": {
      const [d, reason] = durationThenText(rest, "/maintenance <duration> [reason]", LIMITS.maintenanceMs);
      if (typeof d === "string") return { ok: false, error: d };
      return tooLong(reason) ?? { ok: true, command: { kind: "maintenance", durationMs: d, reason } };
    }
    case "status": {
      const status = splitStatus(rest);
      const text = status?.text.trim();
      if (!status || !text) {
        return {
          ok: false,
          error: `write \`/status <${PHASES.join("|")}>: <text>\`, e.g. \`/status identified: a bad deploy, rolling back\``,
        };
      }
      return tooLong(text) ?? { ok: true, command: { kind: "status", phase: status.phase, text } };
    }
    case "rollback": {
      const m = /^(\S+)\s+(.+)$/s.exec(rest);
      if (!m)
        return {
          ok: false,
          error: "write `/rollback <target|previous> <reason>`, e.g. `/rollback previous error rate 12% since v43`",
        };
      return tooLong(m[2]!.trim()) ?? { ok: true, command: { kind: "rollback", target: m[1]!, reason: m[2]!.trim() } };
    }
    default:
      return { ok: false, error: `unknown command ${inlineCode(`/${name[1]!.slice(0, 40)}`)}` };
  }
}

/**
 * What follows `/status`: `<phase>: <text>`, the phase in any case. The text is returned as written
 * (possibly empty); each reader decides how much of it to keep (ChatOps its first line, public
 * updates the whole comment).
 */
export function splitStatus(rest: string): { phase: Phase; text: string } | undefined {
  const m = /^([A-Za-z]+)\s*:\s*([\s\S]*)$/.exec(rest);
  if (!m) return undefined;
  const phase = m[1]!.toLowerCase() as Phase;
  return PHASES.includes(phase) ? { phase, text: m[2]! } : undefined;
}

function durationThenText(rest: string, usage: string, maxMs: number): [number | string, string] {
  const m = /^(\S+)\s*(.*)$/s.exec(rest);
  if (!m) return [`give a duration: \`${usage}\`, e.g. 30m, 2h or 1d`, ""];
  let ms: number;
  try {
    ms = parseDuration(m[1]!);
  } catch {
    return [`${inlineCode(m[1]!.slice(0, 20))} is not a duration; write e.g. 30m, 2h or 1d (\`${usage}\`)`, ""];
  }
  if (ms < LIMITS.minMs || ms > maxMs)
    return [`the duration must be between ${formatDuration(LIMITS.minMs)} and ${formatDuration(maxMs)}`, ""];
  return [ms, m[2]!.trim()];
}

function tooLong(text: string): Parsed | undefined {
  return text.length > LIMITS.reason
    ? { ok: false, error: `the text is longer than ${LIMITS.reason} characters` }
    : undefined;
}

/** Text a person wrote, shown in a reply as a code span: no Markdown, no @mention that pings, no link. */
export function inlineCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ").replace(/`/g, "'");
  return `\`${flat}\``;
}
