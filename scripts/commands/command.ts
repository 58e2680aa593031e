import { resolve } from "node:path";
import { loadConfigOrExit } from "../cli/config.ts";
import { cliLog, common, ExitError, parse, usage, type CliDeps } from "../cli/context.ts";
import { createOctokit } from "../../actions/shared/github/client.ts";
import { parseRepository } from "../../actions/shared/github/types.ts";
import type { OctokitRequest } from "../../actions/rollback/github.ts";
import { readCommentEvent } from "../../actions/incident/chatops/event.ts";
import { createChatOpsGitHub, type ChatOpsGitHub } from "../../actions/incident/chatops/github.ts";
import { runCommand } from "../../actions/incident/chatops/run.ts";

/**
 * `ops command [--event FILE]`: answers one ChatOps comment on an incident issue (the
 * issue_comment event in $GITHUB_EVENT_PATH by default). The comment's text is read from the file,
 * never from the command line. Exit 0 when the comment was handled (done, refused, invalid or not
 * a command), 1 when a rollback could not be dispatched or GitHub failed, 2 for bad usage.
 */
export async function commandCommand(
  argv: string[],
  deps: CliDeps,
  extra: { writeSpacingMs?: number; retryUnitMs?: number } = {},
): Promise<number> {
  const { values } = parse(argv, { event: { type: "string" } });
  const opts = common(values, deps);
  const file = (values.event as string | undefined) ?? deps.env.GITHUB_EVENT_PATH;
  if (!file) throw usage("command: --event FILE is required (in a workflow, GITHUB_EVENT_PATH is used)");
  let event;
  try {
    event = await readCommentEvent(resolve(deps.cwd, file));
  } catch (error) {
    throw new ExitError(2, (error as Error).message, { cause: error });
  }
  const config = await loadConfigOrExit(opts.configFile, deps.io);
  const log = cliLog(deps.io);
  const repository = deps.env.GITHUB_REPOSITORY || event.repository.full_name;
  const token = deps.env.GITHUB_TOKEN ?? "";
  if (!token && !opts.dryRun)
    throw new ExitError(
      2,
      "GITHUB_TOKEN is not set; in the workflow pass `GITHUB_TOKEN: ${{ github.token }}` in the step's env (or use --dry-run)",
    );
  const octokit = createOctokit({
    token: token || "dry-run",
    repository,
    ...(deps.env.GITHUB_API_URL ? { apiUrl: deps.env.GITHUB_API_URL } : {}),
    log: log.info,
    ...extra,
  });
  let github = createChatOpsGitHub(octokit.request as unknown as OctokitRequest, parseRepository(repository));
  if (opts.dryRun) github = printingWrites(github, log.info);
  const outcome = await runCommand({
    event,
    github,
    config,
    clock: opts.clock,
    log: log.info,
    ...(deps.env.GITHUB_SERVER_URL ? { serverUrl: deps.env.GITHUB_SERVER_URL } : {}),
  });
  deps.io.out(
    opts.json
      ? `${JSON.stringify(outcome)}\n`
      : `${outcome.result}${"why" in outcome ? `: ${outcome.why}` : "command" in outcome ? `: ${outcome.command}` : ""}\n`,
  );
  return outcome.result === "failed" ? 1 : 0;
}

/** Reads go to GitHub; writes are printed instead (--dry-run). */
function printingWrites(github: ChatOpsGitHub, print: (line: string) => void): ChatOpsGitHub {
  return {
    ...github,
    createComment: async (issue, body) =>
      print(`[dry-run] comment on #${issue}: ${body.split("\n").slice(1).join(" ").slice(0, 200)}`),
    react: async (id, content) => print(`[dry-run] react ${content} to comment ${id}`),
    dispatchWorkflow: async (file, ref, inputs) =>
      print(`[dry-run] dispatch ${file} on ${ref} with ${JSON.stringify(inputs)}`),
  };
}
