import type { Latest } from "../store/latest-schema.ts";

const MAX_CHANGES = 4;

/**
 * The run's commit message says what changed, so `git log --oneline reports/` reads as the fleet's
 * story: `ops: chatwoot down (P1), 2 incidents open [skip ci]`. `[skip ci]` keeps the data commits
 * from triggering ci.yml (pushes by GITHUB_TOKEN trigger nothing anyway; a PAT would).
 */
export function commitMessage(previous: Latest | undefined, next: Latest | undefined): string {
  if (!next) return "ops: update reports [skip ci]";
  const open = Object.values(next.incidents).filter((i) => i.state === "open");
  const severity = new Map(open.map((i) => [i.key, i.severity]));
  const changes: string[] = [];
  for (const s of Object.values(next.services)) {
    const before = previous?.services[s.id]?.status;
    if (before === s.status) continue;
    if (!before && s.status === "up") continue; // a new service coming up is not news
    const sev = severity.get(`service:${s.id}`);
    changes.push(`${s.id} ${s.status}${sev ? ` (${sev})` : ""}`);
  }
  for (const g of Object.values(next.groups)) {
    const before = previous?.groups[g.id]?.status;
    if (before === g.status || (!before && g.status === "up")) continue;
    const sev = severity.get(`group:${g.id}`);
    changes.push(`${g.id} ${g.status} ${g.operational}/${g.total}${sev ? ` (${sev})` : ""}`);
  }
  const parts: string[] = [];
  if (next.run.offline) parts.push("runner offline, recorded unknown");
  else if (changes.length === 0) parts.push(`${Object.keys(next.services).length} services checked, no change`);
  else {
    parts.push(...changes.slice(0, MAX_CHANGES));
    if (changes.length > MAX_CHANGES) parts.push(`${changes.length - MAX_CHANGES} more changed`);
  }
  parts.push(open.length === 0 ? "no incidents open" : `${open.length} incident${open.length === 1 ? "" : "s"} open`);
  return `ops: ${parts.join(", ")} [skip ci]`;
}
