import type { IssuesApi } from "../github/types.ts";
import { parseMaintenanceIssue, type IssueWindow } from "../maintenance.ts";

/** Windows announced in open issues labelled `maintenance`; an unreadable one is reported, not fatal. */
export async function loadMaintenanceIssues(github: IssuesApi, label = "maintenance"): Promise<{ windows: IssueWindow[]; problems: string[] }> {
  const issues = await github.listIssues({ state: "open", labels: [label] });
  const windows: IssueWindow[] = [];
  const problems: string[] = [];
  for (const issue of issues) {
    const parsed = parseMaintenanceIssue(issue);
    if ("error" in parsed) problems.push(parsed.error);
    else windows.push(parsed);
  }
  return { windows, problems };
}
