import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { SEVERITIES, type Severity } from "../shared/status.ts";
import { paths } from "../shared/store/files.ts";
import type { Latest } from "../shared/store/latest-schema.ts";

/**
 * Incidents for the weekly report: the records in `incidents/*.md` (kept after their issue is
 * closed) merged with the incidents in latest.json (which win where both know one). Records are
 * read loosely — labelled lines such as "**Severity**: P1 (critical service, down)",
 * "**Duration**: 2026-11-21 10:00 UTC to 2026-11-21 10:47 UTC (47 min)", "**Start**:" / "**End**:",
 * and the issue link comment the incident step writes — because humans edit them.
 */
export interface IncidentFact {
  id: string;
  subject: string;
  kind?: string;
  severity?: Severity;
  openedAt?: number;
  closedAt?: number;
  number?: number;
  url?: string;
}

const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?/g;

export function parseIncidentRecord(name: string, text: string): IncidentFact {
  const fact: IncidentFact = { id: name, subject: name.replace(/\.md$/, "").replace(/^\d{4}-\d{2}-\d{2}-/, "") };
  // The incident step links the issue in a hidden comment on the first line.
  const link = /<!-- GitHub issue #(\d+): (\S*) -->/.exec(text);
  if (link) {
    fact.number = Number(link[1]);
    if (link[2]) fact.url = link[2];
  }
  for (const line of text.split("\n")) {
    const label = /^\s*(?:[-*]\s*)?\*\*([^*]+)\*\*:?\s*(.*)$/.exec(line);
    if (!label) continue;
    const key = label[1]!.replace(/:$/, "").trim().toLowerCase();
    const value = label[2]!;
    const times = [...value.matchAll(TIME)].map((m) => toMs(m[0]));
    if (key === "severity") {
      const sev = /\bP[0-3]\b/.exec(value)?.[0];
      if (sev && (SEVERITIES as readonly string[]).includes(sev)) fact.severity = sev as Severity;
    } else if (["start", "started", "opened", "began"].includes(key) && times[0] !== undefined) fact.openedAt = times[0];
    else if (["end", "ended", "resolved", "closed"].includes(key) && times[0] !== undefined) fact.closedAt = times[0];
    else if (key === "duration" && times.length >= 1) {
      fact.openedAt ??= times[0];
      if (times[1] !== undefined) fact.closedAt ??= times[1];
    } else if (key === "issue" || key === "tracking") {
      const n = /#(\d+)|issues\/(\d+)/.exec(value);
      if (n) fact.number = Number(n[1] ?? n[2]);
      const url = /https:\/\/\S+?(?=[)\s]|$)/.exec(value);
      if (url) fact.url = url[0];
    } else if (key === "service") fact.subject = value.replace(/[`*]/g, "").trim() || fact.subject;
  }
  return fact;
}

function toMs(text: string): number | undefined {
  const t = Date.parse(text.replace(" UTC", "Z").replace(" ", "T"));
  return Number.isNaN(t) ? undefined : t;
}

/**
 * `names` maps service and group ids to display names; a record named
 * `YYYY-MM-DD-<service>-<slug>.md` is attributed to the longest id it starts with.
 */
export async function readIncidentFacts(
  dataDir: string,
  latest: Latest | undefined,
  names: ReadonlyMap<string, string> = new Map(),
): Promise<{ facts: IncidentFact[]; problems: string[] }> {
  const ids = [...names.keys()].sort((a, b) => b.length - a.length);
  const display = (subject: string) => {
    const id = names.has(subject) ? subject : ids.find((i) => subject.startsWith(`${i}-`));
    return id ? names.get(id)! : subject;
  };
  const dir = paths.incidentsDir(dataDir);
  const problems: string[] = [];
  let files: string[] = [];
  try {
    // Records only (YYYY-MM-DD-<service>-<slug>.md): a README or notes beside them are not incidents.
    files = (await readdir(dir)).filter((n) => /^\d{4}-\d{2}-\d{2}-.+\.md$/.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") problems.push(`cannot list ${dir}: ${(e as Error).message}`);
  }
  const byKey = new Map<string, IncidentFact>();
  for (const name of files) {
    const fact = parseIncidentRecord(name, await readFile(join(dir, name), "utf8"));
    fact.subject = display(fact.subject);
    if (fact.openedAt === undefined) problems.push(`incidents/${name}: no start time found (expected a "**Start**:" line)`);
    byKey.set(fact.number !== undefined ? `#${fact.number}` : name, fact);
  }
  for (const i of Object.values(latest?.incidents ?? {})) {
    const key = i.number !== undefined ? `#${i.number}` : i.record ? i.record.split("/").pop()! : i.key;
    const prior = byKey.get(key) ?? (i.record ? byKey.get(i.record.split("/").pop()!) : undefined);
    if (prior && prior !== byKey.get(key)) byKey.delete(prior.id);
    byKey.set(key, {
      ...prior,
      id: key,
      subject: display(i.subject),
      kind: i.kind,
      severity: i.severity,
      // Time to resolve runs from when the failure began to the first good run, where known.
      openedAt: Date.parse(i.startedAt ?? i.openedAt),
      ...(i.state === "closed" && (i.recoveredAt ?? i.closedAt) && { closedAt: Date.parse((i.recoveredAt ?? i.closedAt)!) }),
      ...(i.number !== undefined && { number: i.number }),
      ...(i.url && { url: i.url }),
    });
  }
  const facts = [...byKey.values()].sort((a, b) => (a.openedAt ?? 0) - (b.openedAt ?? 0) || a.id.localeCompare(b.id));
  return { facts, problems };
}
