import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Log } from "../shared/log.ts";
import { SEVERITIES, type Severity } from "../shared/status.ts";
import { paths } from "../shared/store/files.ts";
import type { IncidentState } from "../shared/store/latest-schema.ts";

/**
 * Reading incident records back, for one purpose only: when latest.json is lost or corrupt, its
 * archive of closed incidents is rebuilt from `incidents/*.md`. Records are read loosely —
 * labelled lines such as "**Severity**: P1 (critical service, down)", "**Duration**: 2026-11-21
 * 10:00 UTC to 2026-11-21 10:47 UTC (47 min)", "**Start**:" / "**End**:", and the issue link
 * comment the incident step writes — because humans edit them. A normal run never reads them.
 */
export interface RecordFacts {
  id: string;
  subject: string;
  severity?: Severity;
  openedAt?: number;
  closedAt?: number;
  number?: number;
  url?: string;
}

const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?/g;

export function parseIncidentRecord(name: string, text: string): RecordFacts {
  const fact: RecordFacts = { id: name, subject: name.replace(/\.md$/, "").replace(/^\d{4}-\d{2}-\d{2}-/, "") };
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
    } else if (["start", "started", "opened", "began"].includes(key) && times[0] !== undefined)
      fact.openedAt = times[0];
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
 * The closed incidents of the records, as archive entries. `ids` are the configured service and
 * group ids: a record named `YYYY-MM-DD-<service>-<slug>.md` belongs to the longest id it starts
 * with. Records without a start, an end or a severity are skipped, each with a warning.
 */
export async function archiveFromRecords(dataDir: string, ids: readonly string[], log: Log): Promise<IncidentState[]> {
  const dir = paths.incidentsDir(dataDir);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((n) => /^\d{4}-\d{2}-\d{2}-.+\.md$/.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") log.warn(`cannot list ${dir}: ${(e as Error).message}`);
    return [];
  }
  const longestFirst = [...ids].sort((a, b) => b.length - a.length);
  const out: IncidentState[] = [];
  for (const name of files) {
    const f = parseIncidentRecord(name, await readFile(join(dir, name), "utf8"));
    if (f.openedAt === undefined || f.closedAt === undefined || !f.severity) {
      log.warn(`incidents/${name}: no start, end or severity found; left out of the rebuilt incident history`);
      continue;
    }
    const subject = longestFirst.find((id) => f.subject === id || f.subject.startsWith(`${id}-`)) ?? f.subject;
    const openedAt = new Date(f.openedAt).toISOString();
    const closedAt = new Date(f.closedAt).toISOString();
    out.push({
      key: `service:${subject}`,
      kind: "service",
      subject,
      state: "closed",
      severity: f.severity,
      status: "up",
      openedAt,
      startedAt: openedAt,
      closedAt,
      record: `incidents/${name}`,
      escalationLevel: 1,
      goodRuns: 0,
      notified: [],
      timeline: [],
      evidence: {},
      ...(f.number !== undefined && { number: f.number }),
      ...(f.url && { url: f.url }),
    });
  }
  return out.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
