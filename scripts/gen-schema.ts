import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { JSON_SCHEMA_FILE, generateJsonSchema } from "../actions/shared/config/json-schema.ts";
import { STATUS_SCHEMA_FILE, generateStatusSchema } from "../actions/report/site/status-schema.ts";

/**
 * `npm run schema` writes ops.config.schema.json and docs/status.schema.json from their zod schemas.
 * `npm run schema -- --check` writes nothing and exits 1 when a committed file is stale (CI).
 */
const outputs = [
  { name: JSON_SCHEMA_FILE, fresh: generateJsonSchema() },
  { name: STATUS_SCHEMA_FILE, fresh: generateStatusSchema() },
];

function committed(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${file}`, { cause: e });
  }
}

let stale = false;
for (const { name, fresh } of outputs) {
  const file = resolve(import.meta.dirname, "..", name);
  if (process.argv.includes("--check")) {
    if (committed(file) !== fresh) {
      console.error(`${name} is stale: run \`npm run schema\` and commit the result.`);
      stale = true;
    } else console.log(`${name} is up to date.`);
  } else if (committed(file) === fresh) {
    console.log(`${name} unchanged.`);
  } else {
    writeFileSync(file, fresh);
    console.log(`wrote ${name} (${Buffer.byteLength(fresh)} bytes).`);
  }
}
if (stale) process.exit(1);
