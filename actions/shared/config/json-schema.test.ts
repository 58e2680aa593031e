import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_FILE, JSON_SCHEMA_ID, generateJsonSchema } from "./json-schema.ts";

describe("ops.config.schema.json", () => {
  it("is up to date with the zod schema (run `npm run schema` when this fails)", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../..", JSON_SCHEMA_FILE), "utf8");
    expect(committed === generateJsonSchema(), "ops.config.schema.json is stale: run `npm run schema` and commit it").toBe(true);
  });

  it("is deterministic, identified, and describes the input side (durations as text)", () => {
    const text = generateJsonSchema();
    expect(generateJsonSchema()).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    const schema = JSON.parse(text);
    expect(Object.keys(schema).slice(0, 4)).toEqual(["$schema", "$id", "title", "description"]);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(JSON_SCHEMA_ID);
    expect(schema.required).toEqual(["services"]);
    expect(schema.additionalProperties).toBe(false);
    const timeout = schema.properties.defaults.properties.timeout;
    expect(timeout.anyOf.map((o: { type: string }) => o.type)).toEqual(["number", "string"]);
  });
});
