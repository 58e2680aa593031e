import type { HeaderAssertionConfig, HttpValueConfig } from "../../config/schema/index.ts";
import type { Failure } from "../result.ts";

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** A header's value by case-insensitive name; one sent several times is joined with ", " (RFC 9110 §5.3). */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    return Array.isArray(v) ? v.join(", ") : v;
  }
  return undefined;
}

/** The first failing header assertion, in the order written; undefined when all hold. */
export function checkHeaders(
  headers: ResponseHeaders,
  assertions: readonly HeaderAssertionConfig[],
): Failure | undefined {
  for (const a of assertions) {
    const value = headerValue(headers, a.name);
    const found = value === undefined ? "absent" : JSON.stringify(value);
    const fail = (op: string, expected: string): Failure => ({
      kind: "assertion",
      assertion: `header ${a.name} ${op}`,
      expected,
      found,
    });
    if ("exists" in a) {
      if ((value !== undefined) !== a.exists) return fail("exists", a.exists ? "present" : "absent");
    } else if ("equals" in a) {
      if (value !== a.equals) return fail("equals", JSON.stringify(a.equals));
    } else if ("contains" in a) {
      if (value === undefined || !value.includes(a.contains)) return fail("contains", JSON.stringify(a.contains));
    } else {
      let re: RegExp;
      try {
        re = new RegExp(a.matches);
      } catch (error) {
        // The config check rejects this; reported as data so the probe never throws.
        return fail("matches", `a valid regular expression (${(error as Error).message})`);
      }
      if (value === undefined || !re.test(value)) return fail("matches", `/${a.matches}/`);
    }
  }
  return undefined;
}

export type HeaderReading = { value: number } | { problem: string };

/**
 * The number a `value: { header }` setting reads. `fraction` reads "used/limit" (Shopify's
 * `X-Shopify-Shop-Api-Call-Limit: 32/40`) as the percentage of the limit used: 80.
 */
export function readHeaderValue(
  headers: ResponseHeaders,
  source: Extract<HttpValueConfig, { header: string }>,
): HeaderReading {
  const raw = headerValue(headers, source.header);
  if (raw === undefined) return { problem: `value: header ${source.header} is absent` };
  if (source.parse === "fraction") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(raw);
    if (!m || Number(m[2]) === 0)
      return { problem: `value: header ${source.header} is ${JSON.stringify(raw)}, not "used/limit" like "32/40"` };
    return { value: Math.round((Number(m[1]) / Number(m[2])) * 10_000) / 100 };
  }
  const m = /[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(raw);
  if (!m) return { problem: `value: header ${source.header} is ${JSON.stringify(raw)}, which holds no number` };
  return { value: Number(m[0]) };
}
