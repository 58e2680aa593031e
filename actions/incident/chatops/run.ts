import type { Clock } from "../../shared/clock.ts";
import type { OpsConfig } from "../../shared/config/schema/index.ts";
import { formatDuration } from "../../shared/config/schema/units.ts";
import { InputError, parseRollbackInputs, selectService } from "../../rollback/inputs.ts";
import { readMarker } from "../content.ts";
import type { CommentEvent } from "./event.ts";
import type { ChatOpsGitHub, Reaction } from "./github.ts";
import { inlineCode, parseCommand, USAGE, type Command } from "./parse.ts";
import { MAY_COMMAND } from "./read.ts";

/**
 * `ops command`: one `issue_comment` event, answered with a reaction and a reply. The comment is
 * the record (read back by `readIssueCommands` in the incident step), so /ack, /silence,
 * /maintenance and /status change nothing here but the conversation; /rollback dispatches
 * rollback.yml, whose approved job still waits for the production environment's reviewers.
 * A re-run of the same event finds its reply by marker and does nothing twice.
 */
export interface CommandInput {
  event: CommentEvent;
  github: ChatOpsGitHub;
  config: OpsConfig;
  clock: Clock;
  log: (line: string) => void;
  /** https://github.com (GITHUB_SERVER_URL), for links in replies. */
  serverUrl?: string;
}

export type CommandOutcome =
  | { result: "ignored"; why: string }
  | { result: "answered-before" }
  | { result: "refused"; why: string }
  | { result: "invalid"; why: string }
  | { result: "done"; command: Command["kind"] }
  | { result: "failed"; command: Command["kind"]; why: string };

export const ROLLBACK_WORKFLOW = "rollback.yml";

export function replyMarker(commentId: number): string {
  return `<!-- hotdash-ops:chatops {"comment":${commentId}} -->`;
}

export async function runCommand(input: CommandInput): Promise<CommandOutcome> {
  const { event, github, log } = input;
  const { comment, issue } = event;
  const who = comment.user.login;
  if (event.action !== "created") return { result: "ignored", why: `comment ${event.action}, not created` };
  if (comment.user.type === "Bot") return { result: "ignored", why: `a bot's comment (${who})` };
  const parsed = parseCommand(comment.body);
  if (!parsed) return { result: "ignored", why: "not a command" };

  const subject = subjectOf(issue, input.config.incidents.labels);
  const incident = issue.pull_request === undefined && subject.incident;
  // "/cc" or "/shrug" on an ordinary issue is not meant for us.
  if (!incident && !parsed.ok) return { result: "ignored", why: "not a command, on an issue that is not an incident" };

  const marker = replyMarker(comment.id);
  const comments = await github.listComments(issue.number);
  if (comments.some((c) => c.body.includes(marker))) return { result: "answered-before" };
  const answer = async (reaction: Reaction, text: string) => {
    await github.react(comment.id, reaction);
    await github.createComment(issue.number, `${marker}\n${text}`);
  };

  // Permission first: someone who may not command learns nothing about the command or the issue.
  const permission = await github.permissionOf(who);
  if (!MAY_COMMAND.has(permission)) {
    log(`command: refused ${who} (permission ${permission})`);
    await answer(
      "-1",
      `@${who}, thank you — incident commands can only be run by people with write access to this repository, so nothing was done. If you are helping with this incident, please describe what you see in a comment and the on-call engineer will pick it up.`,
    );
    return { result: "refused", why: `${who} has ${permission} permission; write, maintain or admin is needed` };
  }
  if (!incident) {
    await answer(
      "confused",
      `@${who}, this is not an incident issue, so nothing was done. Incident commands work on the issues the monitor opens (labelled \`${input.config.incidents.labels[0] ?? "incident"}\`).`,
    );
    return { result: "refused", why: "not an incident issue" };
  }
  if (issue.state === "closed") {
    await answer(
      "confused",
      `@${who}, this incident is closed, so nothing was done. Reopen the issue first if it is not over.`,
    );
    return { result: "refused", why: "the incident is closed" };
  }
  if (!parsed.ok) {
    await answer(
      "confused",
      `@${who}, I could not run that: ${parsed.error}. Nothing was done.\n\nCommands:\n${USAGE.map((u) => `- ${u}`).join("\n")}`,
    );
    return { result: "invalid", why: parsed.error };
  }

  const cmd = parsed.command;
  const at = Date.parse(comment.created_at) || input.clock.now().getTime();
  const until = (ms: number) => `${stamp(at + ms)} (${formatDuration(ms)})`;
  switch (cmd.kind) {
    case "ack":
      await answer(
        "+1",
        `Acknowledged by @${who} at ${stamp(at)}. Escalation and reminders stop for this incident; the time to acknowledge is recorded.`,
      );
      break;
    case "silence":
      await answer(
        "+1",
        `Silenced by @${who} until ${until(cmd.durationMs)}: ${inlineCode(cmd.reason)}. Notifications for this incident stop until then; the issue and the records stay current. \`/silence 1m\` ends it early.`,
      );
      break;
    case "maintenance":
      await answer(
        "+1",
        `Maintenance for ${inlineCode(subject.id ?? "this incident")} until ${until(cmd.durationMs)}${cmd.reason ? `: ${inlineCode(cmd.reason)}` : ""}, by @${who}. Probes go on and are recorded as maintenance; no new incident opens during the window.`,
      );
      break;
    case "status":
      await answer(
        "+1",
        `Public update recorded (**${cmd.phase}**) by @${who}: ${inlineCode(cmd.text)}. It appears on the status page with the next run.`,
      );
      break;
    case "rollback":
      return rollback(input, cmd, subject, answer, marker);
  }
  log(`command: ${cmd.kind} by ${who} on #${issue.number}`);
  return { result: "done", command: cmd.kind };
}

async function rollback(
  input: CommandInput,
  cmd: Extract<Command, { kind: "rollback" }>,
  subject: Subject,
  answer: (reaction: Reaction, text: string) => Promise<void>,
  marker: string,
): Promise<CommandOutcome> {
  const { event, github } = input;
  const who = event.comment.user.login;
  const target = cmd.target.toLowerCase() === "previous" ? "" : cmd.target;
  let service: string;
  try {
    if (subject.kind !== "service" || !subject.id)
      throw new InputError([
        `this incident is about ${subject.kind === "group" ? "a group" : "no single service"}; roll back a service from the Actions tab`,
      ]);
    service = selectService(input.config, subject.id).service.id;
    parseRollbackInputs({ service, target, reason: cmd.reason, incident: String(event.issue.number) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const why = error.problems.join("; ");
    await answer("confused", `@${who}, I could not dispatch the rollback: ${inlineCode(why)}. Nothing was done.`);
    return { result: "invalid", why };
  }
  const runs = `${(input.serverUrl ?? "https://github.com").replace(/\/+$/, "")}/${github.repo.owner}/${github.repo.repo}/actions/workflows/${ROLLBACK_WORKFLOW}`;
  // The reply (with its marker) goes first: a re-run of this event then finds it and never dispatches twice.
  await answer(
    "rocket",
    `Rollback of ${inlineCode(service)} to ${target ? inlineCode(target) : "the previous image"} requested by @${who}: ${inlineCode(cmd.reason)}. Dispatching [${ROLLBACK_WORKFLOW}](${runs}); it waits for a reviewer of the \`production\` environment before anything changes.`,
  );
  try {
    await github.dispatchWorkflow(ROLLBACK_WORKFLOW, event.repository.default_branch, {
      service,
      target,
      reason: cmd.reason,
      incident: String(event.issue.number),
      dry_run: "false",
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    await github.createComment(
      event.issue.number,
      `${marker.replace("chatops", "chatops-failed")}\n@${who}, the rollback was **not** dispatched: ${inlineCode(why.slice(0, 300))}. Run ${ROLLBACK_WORKFLOW} from the Actions tab instead.`,
    );
    return { result: "failed", command: "rollback", why };
  }
  input.log(`command: rollback of ${service} dispatched by ${who} on #${event.issue.number}`);
  return { result: "done", command: "rollback" };
}

interface Subject {
  incident: boolean;
  kind?: "service" | "group" | "budget";
  id?: string;
}

/** Whether the issue is an incident, and what about: the automation's marker, else its labels. */
export function subjectOf(issue: { body: string; labels: string[] }, incidentLabels: readonly string[]): Subject {
  const marker = readMarker(issue.body);
  const fromKey = (key: string): Subject => {
    const [kind, id] = key.split(":", 2) as [string, string | undefined];
    return kind === "service" || kind === "group" || kind === "budget"
      ? { incident: true, kind, ...(id ? { id } : {}) }
      : { incident: true };
  };
  if (marker) return fromKey(marker.key);
  const labelled = issue.labels.some((l) => incidentLabels.some((x) => x.toLowerCase() === l.toLowerCase()));
  if (!labelled) return { incident: false };
  const subjectLabel = issue.labels.find((l) => /^(service|group):[a-z0-9-]+$/.test(l));
  return subjectLabel ? fromKey(subjectLabel) : { incident: true };
}

function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
