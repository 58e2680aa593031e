/** The emulator's deployments, approvals, environments, users and teams, kept beside RepoState. */
import type { RepoState } from "../state.ts";

export interface StoredDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown>;
  creator: string;
  createdAt: string;
  statuses: Array<{
    id: number;
    state: string;
    description: string;
    environmentUrl: string;
    logUrl: string;
    createdAt: string;
  }>;
}

export interface StoredEnvironment {
  id: number;
  name: string;
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: Array<{ type: "User" | "Team"; id: number }>;
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  policies: Array<{ id: number; name: string; type: "branch" | "tag" }>;
  createdAt: string;
  updatedAt: string;
}

export interface DeployState {
  deployments: StoredDeployment[];
  /** Approvals by workflow run id. */
  approvals: Map<
    number,
    Array<{ login: string; state: "approved" | "rejected"; comment: string; environments: string[] }>
  >;
  environments: Map<string, StoredEnvironment>;
  /** Users and teams that exist (anything else is 404). Ids follow `userJson`. */
  users: Set<string>;
  teams: Map<string, number>;
}

const states = new WeakMap<RepoState, DeployState>();

export function deployState(state: RepoState): DeployState {
  let s = states.get(state);
  if (!s) {
    s = { deployments: [], approvals: new Map(), environments: new Map(), users: new Set(), teams: new Map() };
    states.set(state, s);
  }
  return s;
}

export const notFound = {
  status: 404,
  body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
};
export const validation = (message: string) => ({
  status: 422,
  body: { message: "Validation Failed", errors: [message], documentation_url: "https://docs.github.com/rest" },
});
