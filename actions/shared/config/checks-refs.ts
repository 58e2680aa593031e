import type { OpsConfig } from "./schema/index.ts";
import { formatPath, problem, type PathSegment, type Problem } from "./errors.ts";

/**
 * Checks on `${NAME}` secret references and on values that look like credentials or placeholders.
 * Never echoes a literal that might be a secret: only reference names, which are not secrets.
 */
interface Out {
  errors: Problem[];
  warnings: Problem[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPEN = "${";
/** Only these parts of the config are resolved against the environment at run time. */
const RESOLVED_ROOTS = ["probe", "rollback"];
const CREDENTIAL_HEADER = /authorization|token|secret|password|api[-_]?key|cookie/i;
const CREDENTIAL_FIELDS = new Set(["token", "routingKey", "ca", "emergency", "alerts", "password"]);
const LOGIN = /^@?(?:[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}|[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+)$/;

function isResolved(path: readonly PathSegment[]): boolean {
  if (path[0] === "notifications" || path[0] === "heartbeat") return true;
  return path[0] === "services" && RESOLVED_ROOTS.includes(String(path[2]));
}

function walk(value: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[]) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
}

export function checkSecretRefs(config: OpsConfig, out: Out): void {
  checkRefsIn(config, [], out);
  checkLogins(config, out);
}

/** The `${NAME}` checks on every string under `value`, which sits at `at` in the config. */
export function checkRefsIn(value: unknown, at: PathSegment[], out: Out): void {
  walk(value, at, (text, path) => {
    let hasRef = false;
    for (let i = text.indexOf(OPEN); i >= 0; i = text.indexOf(OPEN, i + OPEN.length)) {
      const close = text.indexOf("}", i);
      const ref = close < 0 ? text.slice(i) : text.slice(i, close + 1);
      const name = close < 0 ? "" : text.slice(i + OPEN.length, close);
      if (close < 0 || !NAME.test(name)) {
        const expected = "a secret reference ${NAME}: letters, digits and underscores, not starting with a digit";
        out.errors.push(
          problem(path, expected, JSON.stringify(ref), close < 0 ? "the reference is not closed with }" : undefined),
        );
      } else hasRef = true;
    }
    const resolved = isResolved(path);
    if (hasRef && !resolved) {
      const hint = `${formatPath(path)} is shown as written; only probe, rollback, notifications and heartbeat are resolved`;
      out.warnings.push(
        problem(path, "no ${NAME} reference outside probe, rollback, notifications and heartbeat", "a reference", hint),
      );
    }
    if (resolved) {
      const bare = /\$([A-Z_][A-Z0-9_]{2,})\b/.exec(text.replace(/\$\{[^}]*\}/g, ""));
      if (bare)
        out.warnings.push(
          problem(
            path,
            `\${${bare[1]}} (with braces) to read the environment`,
            `$${bare[1]}`,
            "without braces it is sent literally",
          ),
        );
      if (!hasRef && looksLikeCredential(path, text)) {
        const hint = "put the value in a repository secret and write ${NAME} here";
        out.warnings.push(problem(path, "a ${NAME} secret reference", "a literal value (hidden)", hint));
      }
    }
  });
}

/** Placeholders (REPLACE_WITH_…) and typos in GitHub logins: one warning per distinct value. */
function checkLogins(config: OpsConfig, out: Out): void {
  const places = new Map<string, PathSegment[][]>();
  const add = (login: string, path: PathSegment[]) => places.set(login, [...(places.get(login) ?? []), path]);
  config.services.forEach((s, i) => s.owners.forEach((m, j) => add(m, ["services", i, "owners", j])));
  config.incidents.escalation.forEach((l, i) => {
    l.mention.forEach((m, j) => add(m, ["incidents", "escalation", i, "mention", j]));
    l.assign.forEach((m, j) => add(m, ["incidents", "escalation", i, "assign", j]));
  });
  for (const [env, e] of Object.entries(config.environments)) {
    e.reviewers.forEach((m, j) => add(m, ["environments", env, "reviewers", j]));
  }
  for (const [login, paths] of places) {
    if (LOGIN.test(login)) continue;
    const more = paths.length > 1 ? ` (also at ${paths.slice(1).map(formatPath).join(", ")})` : "";
    out.warnings.push(
      problem(paths[0]!, "a GitHub login", JSON.stringify(login), `replace the placeholder with a real login${more}`),
    );
  }
}

function looksLikeCredential(path: readonly PathSegment[], text: string): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (text.trim() === "") return false;
  if (parent === "headers" && typeof last === "string") return CREDENTIAL_HEADER.test(last);
  if (typeof last === "string" && CREDENTIAL_FIELDS.has(last)) return true;
  // Webhook URLs (Teams, Discord, generic) carry their token in the path.
  if (path[0] === "notifications" && path[1] === "channels" && last === "url") return true;
  // A heartbeat ping URL lets whoever knows it report the monitor alive.
  if (path[0] === "heartbeat" && path[1] === "urls" && (typeof last === "number" || last === "url")) return true;
  // A connection URL with an inline password: postgres://user:pass@host/db
  return last === "url" && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]+:[^/@\s]+@/i.test(text);
}
