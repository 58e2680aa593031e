import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Where everything lives below the data directory (the repository root in CI). */
export const paths = {
  latest: (dataDir: string) => join(dataDir, "reports", "latest.json"),
  historyDir: (dataDir: string) => join(dataDir, "reports", "history"),
  historyFile: (dataDir: string, day: string) => join(dataDir, "reports", "history", `${day}.jsonl`),
  incidentsDir: (dataDir: string) => join(dataDir, "incidents"),
  reportsDir: (dataDir: string) => join(dataDir, "reports"),
  /** Files kept aside for a human, never committed (`.ops/` is git-ignored). */
  asideDir: (dataDir: string) => join(dataDir, ".ops", "corrupt"),
};

/** Writes via a temporary file and rename, so a crash never leaves a half-written file behind. */
/**
 * Many files at once (a badge per service and window: 1,200 for 300 services): each folder made
 * once, and a bounded number of writes in flight, instead of one round trip after another.
 */
export async function writeFilesAtomic(
  files: ReadonlyArray<readonly [file: string, text: string]>,
  concurrency = 16,
): Promise<void> {
  for (const dir of new Set(files.map(([file]) => dirname(file)))) await mkdir(dir, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const [file, text] = files[next++]!;
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
}

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** UTC day "YYYY-MM-DD" of an ISO time or Date. */
export function utcDay(at: string | Date): string {
  return (typeof at === "string" ? new Date(at) : at).toISOString().slice(0, 10);
}
