import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_FILE, JSON_SCHEMA_ID, generateJsonSchema } from "./json-schema.ts";
import { schemaCoverage } from "../../../scripts/schema-coverage.ts";

describe("ops.config.schema.json", () => {
  it("is up to date with the zod schema (run `npm run schema` when this fails)", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../..", JSON_SCHEMA_FILE), "utf8");
    expect(
      committed === generateJsonSchema(),
      "ops.config.schema.json is stale: run `npm run schema` and commit it",
    ).toBe(true);
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
    // Durations keep their examples on the input side, where zod would drop them (a transform).
    expect(timeout.examples).toEqual(["10s"]);
    expect(schema.properties.incidents.properties.reminderEvery.examples).toEqual(["30m", "1h"]);
  });

  it("gives every property a description, so editors show help on hover and completion", () => {
    const { properties, undescribed } = schemaCoverage(JSON.parse(generateJsonSchema()));
    expect(properties.length).toBeGreaterThan(300);
    expect(
      undescribed,
      "describe these fields with .describe() or .meta({ description }) in actions/shared/config/schema",
    ).toEqual([]);
  });

  it("finds properties without a description anywhere: nested, in unions, items, maps and $defs", () => {
    const described = { description: "d", type: "string" };
    const schema = {
      properties: {
        a: described,
        b: { type: "object", properties: { c: { type: "string" } } },
        d: { description: "d", oneOf: [{ properties: { e: {} } }], anyOf: [{ properties: { f: described } }] },
        g: { description: "d", items: { properties: { h: {} } } },
        i: { description: "d", additionalProperties: { properties: { j: {} } } },
        k: { $ref: "#/$defs/K" },
        l: { $ref: "#/$defs/L" },
      },
      $defs: { K: { description: "d" }, L: { type: "object", properties: { m: {} } } },
    };
    const { properties, undescribed } = schemaCoverage(schema);
    expect(properties).toHaveLength(13);
    expect(undescribed).toEqual(["b", "b.c", "d(oneOf 0).e", "g[].h", "i{}.j", "l", "#/$defs/L.m"]);
  });
});
