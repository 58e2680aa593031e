/**
 * The emulator's in-memory repository: issues, comments and labels, shaped as GitHub answers them
 * (the builders below produce objects that pass the OpenAPI response schemas).
 */
export interface StoredIssue {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  labels: string[];
  assignees: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  deleted: boolean;
}

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface RepoState {
  owner: string;
  repo: string;
  /** The login the token belongs to. */
  actor: string;
  issues: Map<number, StoredIssue>;
  comments: StoredComment[];
  labels: Map<string, StoredLabel>;
  /** Logins with access to the repository and their role (admin, maintain, write, triage, read). */
  collaborators: Map<string, string>;
  /** The role of a login not listed: "none" (a private repository) or "read" (a public one). */
  defaultRole: string;
  /** Logins GitHub does not know at all (answered 404), besides any starting with "ghost-". */
  unknownUsers: Set<string>;
  /** Time source for created_at/updated_at; tests may replace it with their manual clock. */
  now: () => Date;
  nextId(): number;
}

export function createRepoState(owner = "hotdash", repo = "ops"): RepoState {
  let id = 1000;
  return {
    owner,
    repo,
    actor: "github-actions[bot]",
    issues: new Map(),
    comments: [],
    labels: new Map(),
    collaborators: new Map(),
    defaultRole: "none",
    unknownUsers: new Set(),
    now: () => new Date(),
    nextId: () => ++id,
  };
}

export function ensureLabel(state: RepoState, name: string): StoredLabel {
  let label = state.labels.get(name.toLowerCase());
  if (!label) {
    label = { id: state.nextId(), name, color: "ededed", description: null };
    state.labels.set(name.toLowerCase(), label);
  }
  return label;
}

export function userJson(base: string, login: string) {
  const url = `${base}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: hash(login),
    node_id: `U_${hash(login)}`,
    avatar_url: `https://avatars.example.test/u/${hash(login)}`,
    gravatar_id: "",
    url,
    html_url: `https://github.example.test/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith("[bot]") ? "Bot" : "User",
    site_admin: false,
  };
}

export function labelJson(base: string, state: RepoState, label: StoredLabel) {
  return {
    id: label.id,
    node_id: `LA_${label.id}`,
    url: `${repoUrl(base, state)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

export function issueJson(base: string, state: RepoState, issue: StoredIssue) {
  const url = `${repoUrl(base, state)}/issues/${issue.number}`;
  const assignees = issue.assignees.map((a) => userJson(base, a));
  return {
    id: issue.id,
    node_id: `I_${issue.id}`,
    url,
    repository_url: repoUrl(base, state),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `https://github.example.test/${state.owner}/${state.repo}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userJson(base, issue.user),
    labels: issue.labels.map((name) => labelJson(base, state, ensureLabel(state, name))),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: state.comments.filter((c) => c.issue === issue.number).length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: "NONE",
  };
}

export function commentJson(base: string, state: RepoState, comment: StoredComment) {
  const issueUrl = `${repoUrl(base, state)}/issues/${comment.issue}`;
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${repoUrl(base, state)}/issues/comments/${comment.id}`,
    body: comment.body,
    html_url: `https://github.example.test/${state.owner}/${state.repo}/issues/${comment.issue}#issuecomment-${comment.id}`,
    user: userJson(base, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: issueUrl,
    author_association: "NONE",
  };
}

function repoUrl(base: string, state: RepoState) {
  return `${base}/repos/${state.owner}/${state.repo}`;
}

function hash(text: string): number {
  let h = 7;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return h;
}
