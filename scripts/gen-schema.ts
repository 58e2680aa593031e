import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { JSON_SCHEMA_FILE, generateJsonSchema } from "../actions/shared/config/json-schema.ts";

/**
 * `npm run schema` writes ops.config.schema.json from the zod schema.
 * `npm run schema -- --check` writes nothing and exits 1 when the committed file is stale (CI).
 */
const file = resolve(import.meta.dirname, "..", JSON_SCHEMA_FILE);
const fresh = generateJsonSchema();

function committed(): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${file}`, { cause: e });
  }
}

if (process.argv.includes("--check")) {
  if (committed() !== fresh) {
    console.error(`${JSON_SCHEMA_FILE} is stale: run \`npm run schema\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${JSON_SCHEMA_FILE} is up to date.`);
} else if (committed() === fresh) {
  console.log(`${JSON_SCHEMA_FILE} unchanged.`);
} else {
  writeFileSync(file, fresh);
  console.log(`wrote ${JSON_SCHEMA_FILE} (${Buffer.byteLength(fresh)} bytes).`);
}
