import type { Issue, IssuesApi, Repo } from "./types.ts";

/**
 * A client that prints every write it would make and makes none. Reads go to `reader` when one is
 * given (a token is available); otherwise no issue is listed and a known number reads as an open
 * issue, so the stored state is taken at its word (what `npm start` and tokenless dry runs use).
 */
export function createDryRunClient(options: {
  repo?: Repo;
  reader?: IssuesApi;
  print: (line: string) => void;
}): IssuesApi {
  const repo = options.reader?.repo ?? options.repo ?? { owner: "owner", repo: "repo" };
  const print = (line: string) => options.print(`[dry-run] ${line}`);
  let fake = 0;
  const fakeIssue = (partial: Partial<Issue>): Issue => ({
    number: --fake,
    title: "",
    body: "",
    state: "open",
    stateReason: null,
    labels: [],
    assignees: [],
    url: `(dry run: no issue)`,
    createdAt: new Date(0).toISOString(),
    closedAt: null,
    ...partial,
  });
  const short = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  return {
    repo,
    listIssues: async (filter) => (options.reader ? options.reader.listIssues(filter) : []),
    // Without a reader the stored state is taken at its word: a known number is an open issue.
    getIssue: async (number) =>
      options.reader
        ? number > 0
          ? options.reader.getIssue(number)
          : null
        : fakeIssue({ number, title: "(not read: dry run without a token)" }),
    async createIssue(issue) {
      print(`create issue ${short(issue.title)} labels=[${issue.labels.join(", ")}] body=${issue.body.length} chars`);
      return fakeIssue({ title: issue.title, body: issue.body, labels: issue.labels });
    },
    async updateIssue(number, update) {
      const parts = Object.entries(update).map(
        ([k, v]) => `${k}=${typeof v === "string" ? short(v) : JSON.stringify(v)}`,
      );
      print(`update issue #${number} ${parts.join(" ")}`);
      return fakeIssue({ number, state: update.state ?? "open", body: update.body ?? "" });
    },
    listComments: async (number) => (options.reader && number > 0 ? options.reader.listComments(number) : []),
    async createComment(number, body) {
      print(`comment on #${number}: ${short(body.split("\n")[0] ?? "")}`);
      return { id: 0, body, createdAt: new Date(0).toISOString() };
    },
    async addAssignees(number, assignees) {
      print(`assign #${number} to ${assignees.join(", ")}`);
    },
    // A read: asked of GitHub when a token is available; otherwise nobody is known to have access.
    permissionOf: async (login) => (options.reader ? options.reader.permissionOf(login) : "none"),
  };
}
