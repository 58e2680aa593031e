import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `npx tsx scripts/schema-coverage.ts [file]`: lists every property of ops.config.schema.json
 * (or the given JSON Schema) that has no `description`, so editors would show no help for it on
 * hover or completion. Exits 1 when any is missing. Used by actions/shared/config/json-schema.test.ts.
 */

type Node = Record<string, unknown>;

export interface Coverage {
  /** Every property found, as a path such as "services[].probe(oneOf 0).url". */
  properties: string[];
  /** The properties without a description of their own (nor on the `$ref` they point to). */
  undescribed: string[];
}

const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);

/** Walks `properties` everywhere: nested objects, oneOf/anyOf/allOf, items, additionalProperties, $defs. */
export function schemaCoverage(root: unknown): Coverage {
  const properties: string[] = [];
  const undescribed: string[] = [];
  const deref = (node: Node): Node => {
    const ref = node.$ref;
    if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
    let target: unknown = root;
    for (const part of ref.slice(2).split("/"))
      target = isNode(target) ? target[part.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
    return isNode(target) ? target : node;
  };
  const walk = (node: unknown, where: string): void => {
    if (!isNode(node)) return;
    if (isNode(node.properties)) {
      for (const [name, prop] of Object.entries(node.properties)) {
        const path = where ? `${where}.${name}` : name;
        properties.push(path);
        if (!isNode(prop) || (typeof prop.description !== "string" && typeof deref(prop).description !== "string"))
          undescribed.push(path);
        walk(prop, path);
      }
    }
    for (const key of ["oneOf", "anyOf", "allOf", "prefixItems"] as const) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      for (const [i, sub] of list.entries()) walk(sub, `${where}(${key} ${i})`);
    }
    walk(node.items, `${where}[]`);
    walk(node.additionalProperties, `${where}{}`);
    if (isNode(node.patternProperties))
      for (const sub of Object.values(node.patternProperties)) walk(sub, `${where}{}`);
    for (const key of ["$defs", "definitions"] as const) {
      const defs = node[key];
      if (isNode(defs)) for (const [name, sub] of Object.entries(defs)) walk(sub, `#/${key}/${name}`);
    }
  };
  walk(root, "");
  return { properties, undescribed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = resolve(process.argv[2] ?? resolve(import.meta.dirname, "..", "ops.config.schema.json"));
  const { properties, undescribed } = schemaCoverage(JSON.parse(readFileSync(file, "utf8")));
  for (const path of undescribed) console.log(`no description: ${path}`);
  console.log(
    `${properties.length - undescribed.length} of ${properties.length} properties described; ${undescribed.length} without.`,
  );
  if (undescribed.length > 0) process.exit(1);
}
