import { readFile } from "node:fs/promises";
import { type Log, paths } from "../shared/store/files.ts";
import { Latest } from "../shared/store/latest-schema.ts";

/**
 * Reads latest.json for reporting only. Unlike the store's reader it never moves a corrupt file
 * aside (that is the probe step's job); the reports then say "no data" instead of crashing.
 */
export async function readLatestForReport(dataDir: string, log: Log): Promise<Latest | undefined> {
  const file = paths.latest(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      log.warn(`${file} does not exist yet; reports show history only (run "ops run" first)`);
      return undefined;
    }
    throw new Error(`cannot read ${file}: check its permissions`, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    log.warn(`${file} is not JSON (${(e as Error).message}); reports show history only until the next "ops run" rebuilds it`);
    return undefined;
  }
  const result = Latest.safeParse(parsed);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  log.warn(`${file} does not match its schema at ${issue?.path.join(".") || "(root)"} (${issue?.message}); reports show history only`);
  return undefined;
}
