/** The pieces of an HTTP exchange the http and steps probes share: headers, expectations, values. */
import { z } from "zod";
import { SecretString } from "./units.ts";

export const Headers = z
  .record(z.string(), SecretString)
  .describe("Request headers by name; values may contain ${SECRET} references.");

/** One assertion on a JSON body. `path` is dot/bracket notation: `status`, `checks[0].state`. */
const JsonPath = z
  .string()
  .describe('Dot/bracket path into the JSON body: "status", "checks[0].state", \'meta["x.y"]\'.');
export const JsonAssertion = z
  .union([
    z.strictObject({
      path: JsonPath,
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).describe("The value, type included."),
    }),
    z.strictObject({
      path: JsonPath,
      contains: z.union([z.string(), z.number()]).describe("A substring of a string, or an element of an array."),
    }),
    z.strictObject({
      path: JsonPath,
      exists: z.boolean().describe("true: the path must exist (null counts); false: it must not."),
    }),
    z.strictObject({
      path: JsonPath,
      lt: z.number().optional().describe("The number must be less than this."),
      lte: z.number().optional().describe("The number must be at most this."),
      gt: z.number().optional().describe("The number must be more than this."),
      gte: z.number().optional().describe("The number must be at least this."),
    }),
  ])
  .describe("An assertion on the JSON body: equals, contains, exists, or number bounds.");

/** An HTTP header name (RFC 9110 token characters); matched case-insensitively. */
export const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
    message: 'an HTTP header name such as "Content-Type" or "X-Shopify-Shop-Api-Call-Limit"',
  })
  .meta({
    description: "HTTP header name, matched case-insensitively.",
    examples: ["Content-Type", "X-Shopify-Shop-Api-Call-Limit"],
  });

/** One assertion on a response header. A header sent several times is checked joined with ", ". */
export const HeaderAssertion = z
  .union([
    z.strictObject({ name: HeaderName, equals: z.string().describe("The header's whole value, exactly.") }),
    z.strictObject({ name: HeaderName, contains: z.string().describe("A substring the header's value must contain.") }),
    z.strictObject({
      name: HeaderName,
      matches: z.string().describe("A JavaScript regular expression the header's value must match."),
    }),
    z.strictObject({
      name: HeaderName,
      exists: z.boolean().describe("true: the header must be present; false: it must be absent."),
    }),
  ])
  .meta({
    description:
      "An assertion on a response header: `equals`, `contains`, `matches` (a regular expression) or `exists`.",
    examples: [
      { name: "Content-Type", contains: "application/json" },
      { name: "X-Shopify-Shop-Api-Call-Limit", matches: "^\\d+/\\d+$" },
    ],
  });

/**
 * A number read from each answer and rated by `thresholds.value`: from a header (`parse: number`
 * takes the first number in it, `parse: fraction` reads "used/limit" as a percentage, e.g.
 * Shopify's `X-Shopify-Shop-Api-Call-Limit: 32/40` → 80), or from the JSON body by path.
 */
export const HttpValue = z
  .union([
    z.strictObject({
      header: HeaderName.describe("The response header to read the value from."),
      parse: z
        .enum(["number", "fraction"])
        .default("number")
        .describe('"number": the first number in the header; "fraction": "used/limit" as a percentage of the limit.'),
    }),
    z.strictObject({
      json: z.string().min(1).describe('A JSON path into the body, e.g. "queue.pending" or "items[0].count".'),
    }),
  ])
  .meta({
    description: "A number read from each answer (a header or a JSON path), rated by thresholds.value.",
    examples: [{ header: "X-Shopify-Shop-Api-Call-Limit", parse: "fraction" }, { json: "queue.pending" }],
  });

export const HttpExpect = z.strictObject({
  status: z
    .array(z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/)]))
    .min(1)
    .default(["2xx"])
    .describe('Accepted status codes (200) or classes ("2xx").'),
  json: z
    .array(JsonAssertion)
    .default([])
    .describe("Assertions on the JSON body, in order; the first that fails is the reason."),
  contains: z.array(z.string()).default([]).describe("Substrings that must appear in the body."),
  notContains: z.array(z.string()).default([]).describe("Substrings that must not appear in the body."),
  headers: z.array(HeaderAssertion).default([]).describe("Assertions on response headers, checked before the body."),
});
