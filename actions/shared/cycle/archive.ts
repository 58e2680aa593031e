import type { IncidentState, Latest } from "../store/latest-schema.ts";

/** How long closed incidents stay in latest.json's archive (a year of reports and status pages). */
export const ARCHIVE_MS = 366 * 86_400_000;

/**
 * When the incident step replaces a closed incident with a newer one of the same subject, the
 * closed one moves to the archive, so the reports keep every incident of the last year without
 * reading records back. Pure and idempotent: the same state in and out adds nothing.
 */
export function archiveReplaced(before: Latest, after: Latest, now: Date): Latest {
  const moved: IncidentState[] = [];
  for (const [key, old] of Object.entries(before.incidents)) {
    const cur = after.incidents[key];
    if (old.state === "closed" && cur && cur.openedAt !== old.openedAt) moved.push(old);
  }
  const kept = (after.archive ?? []).filter((i) => now.getTime() - Date.parse(i.closedAt ?? i.openedAt) <= ARCHIVE_MS);
  if (moved.length === 0 && kept.length === (after.archive ?? []).length) return after;
  const archive = [...moved, ...kept].sort(
    (a, b) => b.openedAt.localeCompare(a.openedAt) || a.key.localeCompare(b.key),
  );
  return { ...after, archive };
}
