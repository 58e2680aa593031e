import { z } from "zod";
import { OpsConfig } from "./schema/index.ts";

/**
 * The committed `ops.config.schema.json`, generated from the zod schema (the single source of
 * truth) so editors validate and complete `ops.config.yml` through its `$schema` comment.
 * Input side of the schema: what a person writes (durations as "15m"), with defaults optional.
 */
export const JSON_SCHEMA_FILE = "ops.config.schema.json";
export const JSON_SCHEMA_ID = "urn:hotdash-ops:ops.config.schema.json";

/** The file's exact text: deterministic, two-space indented, trailing newline. */
export function generateJsonSchema(): string {
  const generated = z.toJSONSchema(OpsConfig, {
    io: "input",
    target: "draft-2020-12",
    // zod drops `examples` from transforming schemas (durations) on the input side, taking them for
    // output values; ours are written as input ("15m"), so they are put back.
    override: ({ zodSchema, jsonSchema }) => {
      const examples = z.globalRegistry.get(zodSchema)?.examples;
      if (Array.isArray(examples) && jsonSchema.examples === undefined) jsonSchema.examples = examples;
    },
  }) as Record<string, unknown>;
  const { $schema, properties, ...rest } = generated;
  const schema = {
    $schema,
    $id: JSON_SCHEMA_ID,
    title: "HotDash ops configuration (ops.config.yml)",
    description:
      "Services to probe, their thresholds, groups, incidents, notifications, schedule and maintenance. " +
      "Generated from actions/shared/config/schema by `npm run schema`; do not edit by hand. See docs/configuration.md.",
    ...rest,
    properties,
    // Mirrors the loader: top-level x-… keys are ignored, a place for YAML anchors.
    patternProperties: { "^x-": {} },
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
