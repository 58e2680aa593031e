import type { Redactor } from "../config/secrets.ts";
import type { Failure, Sample } from "./result.ts";

/** Longest text a failure field keeps; reasons are one line in a table, an issue and a commit. */
export const MAX_FIELD_CHARS = 300;

/**
 * Hides secret values in one text, then shortens it. Besides the forms the redactor knows (plain
 * and encodeURIComponent), a secret may arrive encoded some other way (a URL path keeps "/" and
 * "+", a form turns spaces into "+"): when a decoded reading of the text reveals a secret, the
 * decoded text is what we keep, scrubbed. Scrubbing comes before shortening, so a cut can never
 * leave part of a secret behind.
 */
export function scrubText(text: string, redactor: Redactor): string {
  const scrubbed = redactor.scrub(text);
  for (const decoded of decodings(scrubbed)) {
    const again = redactor.scrub(decoded);
    if (again !== decoded) return clip(again);
  }
  return clip(scrubbed);
}

export function scrubFailure(failure: Failure, redactor: Redactor): Failure {
  return scrubFields(failure, redactor);
}

export function scrubSample(sample: Sample, redactor: Redactor): Sample {
  const out: Sample = { ...sample };
  if (sample.failure) out.failure = scrubFailure(sample.failure, redactor);
  if (sample.warning !== undefined) out.warning = scrubText(sample.warning, redactor);
  if (sample.series) out.series = sample.series.map((s) => ({ ...s, labels: scrubFields(s.labels, redactor) }));
  return out;
}

/** Every string field of a flat record, scrubbed. */
function scrubFields<T extends object>(value: T, redactor: Redactor): T {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? scrubText(v, redactor) : v])) as T;
}

function decodings(text: string): string[] {
  if (!/%[0-9a-f]{2}|\+/i.test(text)) return [];
  return [decode(text), decode(text.replaceAll("+", " "))].filter((d): d is string => d !== undefined && d !== text);
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    // "%zz" and friends: this reading does not exist, the other readings still count.
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text;
}
