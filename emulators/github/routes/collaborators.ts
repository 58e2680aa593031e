import type { Route } from "../server.ts";
import { userJson } from "../state.ts";

/**
 * A user's permission on the repository, which decides whose `/status` comments become public
 * incident updates and whose ChatOps commands are obeyed. Logins in `state.collaborators` have
 * their role; any other login has `state.defaultRole` ("none", as GitHub answers for a user without
 * access to a private repository); a login in `state.unknownUsers` or starting with "ghost-" is a
 * user GitHub does not know (404).
 */
const LEGACY: Record<string, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
};

export const collaboratorRoutes: Route[] = [
  {
    operationId: "repos/get-collaborator-permission-level",
    handle(ctx) {
      const login = ctx.params.username!;
      if (login.startsWith("ghost-") || ctx.state.unknownUsers.has(login))
        return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
      const role = ctx.state.collaborators.get(login) ?? ctx.state.defaultRole;
      const user = { ...userJson(ctx.base, login), role_name: role, permissions: permissionsOf(role) };
      return { status: 200, body: { permission: LEGACY[role] ?? "none", role_name: role, user } };
    },
  },
];

function permissionsOf(role: string) {
  const rank = ["read", "triage", "write", "maintain", "admin"].indexOf(role);
  return { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 };
}
