import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";

/**
 * Tests of the default config itself (HotDash's runbook values in ops.config.yml) run only while
 * that config is HotDash's. A team that swaps in its own config (`ops init`) keeps `npm test` green:
 * those tests then skip, saying why, and every test of the engine uses its own fixture config.
 */
export const DEFAULT_CONFIG = resolve(import.meta.dirname, "../ops.config.yml");

export function isHotDashConfig(file = DEFAULT_CONFIG): boolean {
  const title = (parse(readFileSync(file, "utf8")) as { title?: unknown } | null)?.title;
  const hotdash = typeof title === "string" && /^HotDash\b/.test(title);
  if (!hotdash)
    process.stderr.write(
      `tests of HotDash's default config skipped: ${file} is another team's config (title ${JSON.stringify(title)})\n`,
    );
  return hotdash;
}
