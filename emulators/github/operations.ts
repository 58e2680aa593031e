/**
 * The method and path of every operation the emulator's routes serve, so the emulator still routes
 * on a production install (`npm ci --omit=dev`, as the demo runs in the lean workflows) where
 * GitHub's OpenAPI description (`@octokit/openapi`, 385 MB) and Ajv are absent. With them installed
 * (tests), spec.ts takes both from the description, and a test checks this table against it.
 */
export const OPERATIONS: Readonly<Record<string, { method: string; path: string }>> = {
  "actions/get-reviews-for-run": { method: "GET", path: "/repos/{owner}/{repo}/actions/runs/{run_id}/approvals" },
  "issues/add-assignees": { method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/assignees" },
  "issues/create": { method: "POST", path: "/repos/{owner}/{repo}/issues" },
  "issues/create-comment": { method: "POST", path: "/repos/{owner}/{repo}/issues/{issue_number}/comments" },
  "issues/create-label": { method: "POST", path: "/repos/{owner}/{repo}/labels" },
  "issues/get": { method: "GET", path: "/repos/{owner}/{repo}/issues/{issue_number}" },
  "issues/list-comments": { method: "GET", path: "/repos/{owner}/{repo}/issues/{issue_number}/comments" },
  "issues/list-for-repo": { method: "GET", path: "/repos/{owner}/{repo}/issues" },
  "issues/list-labels-for-repo": { method: "GET", path: "/repos/{owner}/{repo}/labels" },
  "issues/update": { method: "PATCH", path: "/repos/{owner}/{repo}/issues/{issue_number}" },
  "issues/update-comment": { method: "PATCH", path: "/repos/{owner}/{repo}/issues/comments/{comment_id}" },
  "repos/create-deployment": { method: "POST", path: "/repos/{owner}/{repo}/deployments" },
  "repos/create-deployment-branch-policy": {
    method: "POST",
    path: "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
  },
  "repos/create-deployment-status": {
    method: "POST",
    path: "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
  },
  "repos/create-or-update-environment": {
    method: "PUT",
    path: "/repos/{owner}/{repo}/environments/{environment_name}",
  },
  "repos/delete-deployment-branch-policy": {
    method: "DELETE",
    path: "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}",
  },
  "repos/list-deployment-branch-policies": {
    method: "GET",
    path: "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
  },
  "repos/list-deployments": { method: "GET", path: "/repos/{owner}/{repo}/deployments" },
  "teams/get-by-name": { method: "GET", path: "/orgs/{org}/teams/{team_slug}" },
  "users/get-by-username": { method: "GET", path: "/users/{username}" },
};
