import { mkdir, readFile, rename } from "node:fs/promises";
import { basename, join } from "node:path";
import { Latest } from "./latest-schema.ts";
import { type Log, paths, writeFileAtomic } from "./files.ts";

export type LatestRead =
  | { kind: "missing" }
  | { kind: "ok"; latest: Latest }
  /** The file was unreadable; it was moved aside to `keptAs` and the run starts from fresh state. */
  | { kind: "corrupt"; problem: string; keptAs: string };

/**
 * Reads reports/latest.json through its schema. A corrupt file never crashes the run: it is kept
 * aside, out of the committed tree (`.ops/corrupt/latest.json.corrupt-<time>`, git-ignored: it may
 * hold anything, and the run's commit must not publish it), a warning says why, and the caller
 * rebuilds state (counters restart; open incidents are found again from GitHub by their markers).
 */
export async function readLatest(dataDir: string, now: Date, log: Log): Promise<LatestRead> {
  const file = paths.latest(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw new Error(`cannot read ${file}`, { cause: e });
  }
  let problem: string;
  try {
    const parsed = Latest.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: "ok", latest: parsed.data };
    problem = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
  } catch (e) {
    problem = `not JSON (${(e as Error).message})`;
  }
  const keptAs = join(paths.asideDir(dataDir), `${basename(file)}.corrupt-${now.toISOString().replace(/[:.]/g, "")}`);
  await mkdir(paths.asideDir(dataDir), { recursive: true });
  await rename(file, keptAs);
  log.warn(`${file} is corrupt (${problem}); kept it as ${keptAs} and rebuilt the state from this run`);
  return { kind: "corrupt", problem, keptAs };
}

/** Stable, diff-friendly JSON: two-space indent, trailing newline. */
export async function writeLatest(dataDir: string, latest: Latest): Promise<void> {
  await writeFileAtomic(paths.latest(dataDir), JSON.stringify(latest, null, 2) + "\n");
}
