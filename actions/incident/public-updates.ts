import type { IssueComment, IssuesApi, RepoRole } from "../shared/github/types.ts";
import { type Phase, splitStatus } from "./chatops/parse.ts";

/**
 * An incident's public updates: comments on its issue that start with
 * `/status <investigating|identified|monitoring|resolved>: text`, written by someone with write,
 * maintain or admin permission on the repository (asked of GitHub, never taken from the comment's
 * `author_association`). Nothing else from the issue is published: other comments, the body, and
 * `/status` comments from anyone else are left out. The text stays untrusted: every renderer
 * escapes it (the site's HTML and feeds, the Markdown record).
 */
export interface PublicUpdate {
  /** When the comment was posted (ISO). */
  at: string;
  phase: Phase;
  /** GitHub login of the commenter. */
  author: string;
  text: string;
  commentId: number;
}

/** Roles whose `/status` comments are published. */
const PUBLISHERS: ReadonlySet<RepoRole> = new Set(["admin", "maintain", "write"]);
/** Longer texts are cut: an update is a few sentences, not a post-mortem. */
export const MAX_TEXT = 2_000;
/** `/status` leading the comment (spaces before it allowed); the phase grammar is ChatOps' splitStatus. */
const COMMAND = /^\s*\/status\s+([\s\S]*)$/i;

/** The phase and text of a `/status` comment, or undefined for any other comment. */
export function parseStatusCommand(body: string): { phase: Phase; text: string } | undefined {
  const m = COMMAND.exec(body);
  const status = m && splitStatus(m[1]!);
  if (!status) return undefined;
  const { phase } = status;
  // Hidden HTML comments (templates, bots) are not part of what the author meant to publish.
  const text = status.text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\r\n?/g, "\n")
    .trim();
  if (!text) return undefined;
  return { phase, text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text };
}

export interface ReadUpdatesInput {
  github: Pick<IssuesApi, "listComments" | "permissionOf">;
  issue: number;
  /** The updates stored from earlier runs: their authors were checked then and are not asked again. */
  known?: readonly PublicUpdate[];
  /** Roles already looked up in this run (shared across incidents, so each login is asked once). */
  roles?: Map<string, RepoRole>;
  /** The issue's comments when the run has listed them already (not listed again). */
  comments?: readonly IssueComment[];
}

/**
 * Reads the issue's comments (all pages) and returns its public updates, oldest first. A comment
 * edited since keeps its phase and text as now written; a deleted comment drops out.
 */
export async function readPublicUpdates({
  github,
  issue,
  known = [],
  roles = new Map(),
  comments,
}: ReadUpdatesInput): Promise<PublicUpdate[]> {
  const approved = new Set(known.map((u) => `${u.commentId}:${u.author}`));
  const out: PublicUpdate[] = [];
  for (const comment of comments ?? (await github.listComments(issue))) {
    const command = parseStatusCommand(comment.body);
    if (!command || !comment.author) continue;
    if (!approved.has(`${comment.id}:${comment.author}`)) {
      let role = roles.get(comment.author);
      if (role === undefined) {
        role = await github.permissionOf(comment.author);
        roles.set(comment.author, role);
      }
      if (!PUBLISHERS.has(role)) continue;
    }
    out.push({ at: comment.createdAt, ...command, author: comment.author, commentId: comment.id });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.commentId - b.commentId);
}

/** Whether two lists hold the same updates (to leave the state untouched when nothing changed). */
export function sameUpdates(a: readonly PublicUpdate[] | undefined, b: readonly PublicUpdate[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}
