/** The narrow view of GitHub's issues API the automation uses (so dry-run and tests can stand in). */
export interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  stateReason: string | null;
  labels: string[];
  assignees: string[];
  url: string;
  createdAt: string;
  closedAt: string | null;
}

export interface IssueComment {
  id: number;
  body: string;
  createdAt: string;
  /** The commenter's login, when GitHub says (ChatOps and public `/status` updates read who wrote it). */
  author?: string;
}

/** A user's role in the repository (GitHub's role_name); "none" for no access. */
export type RepoRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
  assignees?: string[];
}

export interface IssueUpdate {
  title?: string;
  body?: string;
  labels?: string[];
  assignees?: string[];
  state?: "open" | "closed";
  stateReason?: "completed" | "not_planned" | "reopened";
}

export interface Repo {
  owner: string;
  repo: string;
}

export interface IssuesApi {
  readonly repo: Repo;
  /** Every issue (pull requests left out) matching the filter, all pages. */
  listIssues(filter: { state: "open" | "closed" | "all"; labels?: string[] }): Promise<Issue[]>;
  /** The issue, or null when it does not exist or was deleted. */
  getIssue(number: number): Promise<Issue | null>;
  createIssue(issue: NewIssue): Promise<Issue>;
  updateIssue(number: number, update: IssueUpdate): Promise<Issue>;
  listComments(number: number): Promise<IssueComment[]>;
  createComment(number: number, body: string): Promise<IssueComment>;
  addAssignees(number: number, assignees: string[]): Promise<void>;
  /** GET /repos/{owner}/{repo}/collaborators/{username}/permission; "none" for an unknown user. */
  permissionOf(login: string): Promise<RepoRole>;
}

export function parseRepository(value: string | undefined): Repo {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value ?? "");
  if (!m) {
    throw new Error(
      `GITHUB_REPOSITORY is "${value ?? ""}"; expected "owner/name". In a workflow it is set for you; locally, export GITHUB_REPOSITORY=owner/name`,
    );
  }
  return { owner: m[1]!, repo: m[2]! };
}
