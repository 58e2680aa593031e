import { CORE_SCHEMA, load, mergeTag } from "js-yaml";

/**
 * js-yaml reads a large config about five times faster than `yaml`'s Document (which keeps every
 * node's position for error messages; `npm run bench:config`). With the YAML 1.2 core schema plus
 * merge keys it resolves scalars as `yaml` does (fast-yaml.test.ts compares them);
 * anything it rejects or that could differ returns undefined, and the caller reads the source
 * with `yaml` as before: its messages, positions and alias limits stay the only ones users see.
 */
const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/**
 * Left to `yaml`: what it reads with a warning (directives such as `%YAML`, explicit tags such as
 * `!!str`), and any alias (`*name`, merge keys included): `yaml` counts alias expansion against
 * its alias-bomb limit, which only its own reading can repeat exactly. A false match (`, *x` inside a
 * quoted string) only costs the fast path.
 */
const LEFT_TO_YAML = /^%|(?:^[ \t]*|[:\-,[{?][ \t]*)(?:!|\*[^\s,[\]{}])/m;

export function fastParse(source: string): unknown {
  if (LEFT_TO_YAML.test(source)) return undefined;
  let data: unknown;
  try {
    data = load(source, { schema: SCHEMA });
  } catch {
    return undefined;
  }
  return data;
}
