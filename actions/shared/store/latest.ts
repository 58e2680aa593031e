import { mkdir, readFile, rename } from "node:fs/promises";
import { basename, join } from "node:path";
import { Latest } from "./latest-schema.ts";
import { paths, writeFileAtomic } from "./files.ts";
import type { Log } from "../log.ts";

export type LatestRead =
  | { kind: "missing" }
  | { kind: "ok"; latest: Latest }
  /** The file was unreadable; it was moved aside to `keptAs` and the run starts from fresh state. */
  | { kind: "corrupt"; problem: string; keptAs: string }
  /** The file was unreadable and left where it is (`keepAside: false`). */
  | { kind: "invalid"; problem: string };

/**
 * The one reader of reports/latest.json, through its schema. A corrupt file never crashes the run:
 * the step that owns the state (probe → store) keeps it aside, out of the committed tree
 * (`.ops/corrupt/latest.json.corrupt-<time>`, git-ignored: it may hold anything, and the run's
 * commit must not publish it), a warning says why, and the caller rebuilds state (counters
 * restart; open incidents are found again from GitHub by their markers). Steps that only read it
 * (reports) pass `keepAside: false` and leave the file where it is.
 */
export async function readLatest(
  dataDir: string,
  now: Date,
  log: Log,
  options: { keepAside?: boolean } = {},
): Promise<LatestRead> {
  const file = paths.latest(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw new Error(`cannot read ${file}`, { cause: e });
  }
  const parsed = parseLatest(text);
  if ("latest" in parsed) return { kind: "ok", latest: parsed.latest };
  const { problem } = parsed;
  if (options.keepAside === false) {
    const what = problem.startsWith("not JSON") ? `is ${problem}` : `does not match its schema (${problem})`;
    log.warn(
      `${file} ${what}; reports show history only until the next probe run keeps it aside and rebuilds the state`,
    );
    return { kind: "invalid", problem };
  }
  const keptAs = join(paths.asideDir(dataDir), `${basename(file)}.corrupt-${now.toISOString().replace(/[:.]/g, "")}`);
  await mkdir(paths.asideDir(dataDir), { recursive: true });
  await rename(file, keptAs);
  log.warn(`${file} is corrupt (${problem}); kept it as ${keptAs} and rebuilt the state from this run`);
  return { kind: "corrupt", problem, keptAs };
}

/** latest.json's text through its schema: the state, or what is wrong with it. */
export function parseLatest(text: string): { latest: Latest } | { problem: string } {
  try {
    const parsed = Latest.safeParse(JSON.parse(text));
    if (parsed.success) return { latest: parsed.data };
    const problem = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    return { problem };
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
}

/** Stable, diff-friendly JSON: two-space indent, trailing newline. */
export async function writeLatest(dataDir: string, latest: Latest): Promise<void> {
  // Through the schema, so keys come in its order however the state was built: the same state
  // always gives the same bytes, and a replayed step leaves the file as it was.
  await writeFileAtomic(paths.latest(dataDir), JSON.stringify(Latest.parse(latest), null, 2) + "\n");
}
