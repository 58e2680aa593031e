import type { Redactor } from "../config/secrets.ts";
import type { Failure, Sample } from "./result.ts";

/** Longest text a failure field keeps; reasons are one line in a table, an issue and a commit. */
export const MAX_FIELD_CHARS = 300;

/**
 * Hides secret values in one text (`redactor.scrub` knows every encoding), then shortens it:
 * scrubbing comes before shortening, so a cut can never leave part of a secret behind.
 */
export function scrubText(text: string, redactor: Redactor): string {
  return clip(redactor.scrub(text));
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
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? scrubText(v, redactor) : v]),
  ) as T;
}

function clip(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text;
}
