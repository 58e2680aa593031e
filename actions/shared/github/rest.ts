/**
 * What the narrow GitHub views (rollback, ChatOps) share on top of any Octokit-style `request`
 * (the shared client's `createOctokit(...).request` in CI, the emulator in tests): one way to say
 * which call failed and what to grant, and one way to read every page of a list.
 */
export type OctokitRequest = (
  route: string,
  params?: Record<string, unknown>,
) => Promise<{ status: number; data: unknown }>;

/** What to add to the message, after "; ", when GitHub answers 403/404 (denied) or 401 (refused). */
export interface FailureHints {
  denied: string;
  refused: string;
}

/** Runs `fn`; its error becomes "GitHub <what> failed (<status>: <message>); <hint>", caused by the original. */
export async function callGitHub<T>(what: string, hints: FailureHints, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const status = (error as { status?: number }).status;
    const hint = status === 403 || status === 404 ? `; ${hints.denied}` : status === 401 ? `; ${hints.refused}` : "";
    throw new Error(`GitHub ${what} failed (${status ?? "no answer"}: ${(error as Error).message})${hint}`, {
      cause: error,
    });
  }
}

const PER_PAGE = 100;

/** Every item of a paged list (`per_page` 100), reading at most `maxPages` pages. */
export async function readPages<T>(
  request: OctokitRequest,
  route: string,
  params: Record<string, unknown>,
  maxPages: number,
): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await request(route, { ...params, per_page: PER_PAGE, page });
    const items = data as T[];
    all.push(...items);
    if (items.length < PER_PAGE) break;
  }
  return all;
}
