/**
 * `steps`: a multi-step HTTP API check. Later steps use `{{name}}` values extracted from earlier
 * answers (a JSON path or a header); cleanup steps always run, even after a failure.
 */
import { z } from "zod";
import { SecretString } from "./units.ts";
import { HeaderName, Headers, HttpExpect } from "./http.ts";

export const VariableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: "a name of letters, digits and underscores, not starting with a digit",
  });

export const Extraction = z
  .union([
    z.strictObject({
      json: z.string().min(1).describe('A JSON path into the answer\'s body, e.g. "id" or "payload[0].id".'),
      secret: z
        .boolean()
        .default(false)
        .describe("Treat the value as a secret (a session token): hidden in every failure text."),
    }),
    z.strictObject({
      header: HeaderName.describe("A response header, e.g. Location."),
      secret: z
        .boolean()
        .default(false)
        .describe("Treat the value as a secret (a session token): hidden in every failure text."),
    }),
  ])
  .meta({
    description: "Where a value comes from: a JSON path into the body, or a response header.",
    examples: [{ json: "id" }, { header: "Location" }],
  });

export const Step = z.strictObject({
  name: z.string().min(1).describe("What the step does, shown in failures: \"step 'send test message' failed: …\"."),
  method: z
    .enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    .default("GET")
    .describe("HTTP method of this step."),
  url: SecretString.describe("May contain ${SECRET} references and {{name}} values extracted by earlier steps."),
  headers: Headers.default({}).describe("Values may contain ${SECRET} and {{name}}."),
  body: SecretString.optional().describe(
    "Request body; may contain ${SECRET} and {{name}} (a JSON-looking body is sent as application/json).",
  ),
  expect: HttpExpect.default({ status: ["2xx"], json: [], contains: [], notContains: [], headers: [] }).describe(
    "This step's own assertions: status, headers, JSON paths, keywords (as for the http probe).",
  ),
  extract: z
    .record(VariableName, Extraction)
    .default({})
    .describe("Values to read from this step's answer, by name, for later steps' {{name}}."),
});

export const StepsProbe = z.strictObject({
  type: z
    .literal("steps")
    .describe("A multi-step check: requests in order, values extracted from one used in the next (launch-day flows)."),
  steps: z
    .array(Step)
    .min(1)
    .max(20)
    .describe("Requests made in order; the first that fails ends the check and is its reason."),
  cleanup: z
    .array(Step)
    .max(10)
    .default([])
    .describe(
      "Requests that always run after the steps, pass or fail (delete the test message…). A cleanup that fails makes the service degraded; one whose {{values}} were never extracted is skipped.",
    ),
});

export type StepConfig = z.output<typeof Step>;
export type StepsProbeConfig = z.output<typeof StepsProbe>;
