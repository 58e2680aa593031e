import { errorCode } from "../probe/net-error.ts";
import { GitHubUnreachableError } from "./transport.ts";

/**
 * Turns GitHub's 401/403/404/410/422 answers into messages that say what to change. A secondary
 * rate limit is a 403 too, but it means "wait", not "grant a permission". No answer at all
 * (refused, DNS, timeout) is said as such: Octokit reports it as a 500 without a response.
 */
export interface HttpLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

export function explainGitHubError(
  error: unknown,
  operation: string,
  repo: string,
  apiUrl = "https://api.github.com",
): Error {
  const e = (error ?? {}) as HttpLikeError;
  const status = typeof e.status === "number" ? e.status : undefined;
  const detail = e.message ? `: ${e.message}` : "";
  const where = `GitHub ${operation} on ${repo}`;
  const transport = e.response ? undefined : transportProblem(error);
  let message: string;
  const skipped = unreachable(error);
  if (skipped?.code === "CIRCUIT_OPEN") {
    message = `${where} ${skipped.message}; the next run retries it`;
  } else if (transport) {
    message = `${where} failed: ${transport === "timeout" ? `the GitHub API at ${apiUrl} did not answer in time` : `cannot reach the GitHub API at ${apiUrl}: ${transport}`} — check GITHUB_API_URL and the runner's network; the next run retries it`;
  } else if (status === 401) {
    message = `${where} was refused (401 Bad credentials). Set GITHUB_TOKEN to a valid token; in a workflow pass \`\${{ github.token }}\` (or \`secrets.GITHUB_TOKEN\`) to the step's env`;
  } else if (status === 403 && /rate limit/i.test(e.message ?? "")) {
    const after = e.response?.headers?.["retry-after"];
    message = `${where} hit GitHub's rate limit (403${after ? `, Retry-After ${after}s` : ""}); the next run finishes what this one could not`;
  } else if (status === 403) {
    message = `${where} was forbidden (403${detail}). The workflow needs \`permissions: issues: write\` (and the token must be allowed to write to ${repo})`;
  } else if (status === 404) {
    message = `${where} answered 404 Not Found. Check GITHUB_REPOSITORY (${repo}), that the token can see it (\`permissions: issues: write\`), and that issues are enabled in the repository settings`;
  } else if (status === 410) {
    message = `${where} answered 410 Gone: issues are disabled for ${repo} or the issue was deleted; enable issues in the repository settings`;
  } else if (status === 422) {
    message = `${where} was rejected as invalid (422${detail})`;
  } else {
    message = `${where} failed (${status ?? "no answer"}${detail}); the next run retries it`;
  }
  return new Error(message, { cause: error });
}

/** The socket's code (ECONNREFUSED, ENOTFOUND, …) or "timeout" when no answer came; undefined for an answer. */
function transportProblem(error: unknown): string | undefined {
  const u = unreachable(error);
  if (u) return u.code === "TIMEOUT" ? "timeout" : (transportProblem(u.cause) ?? u.code);
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === "TimeoutError" || name === "AbortError") return "timeout";
    e = (e as { cause?: unknown }).cause;
  }
  const code = errorCode(error);
  return code && SOCKET_CODE.test(code) ? code : undefined;
}

function unreachable(error: unknown): GitHubUnreachableError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof GitHubUnreachableError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Socket and resolver codes (ECONNREFUSED, EAI_AGAIN, UND_ERR_SOCKET), not Node's ERR_* for a bug of ours. */
const SOCKET_CODE = /^(E(?!RR_)[A-Z_]+|UND_ERR_[A-Z_]+)$/;
