import type { StepConfig } from "../config/schema/index.ts";

/**
 * The `{{name}}` references of a `steps` probe, apart from the probe itself: the config check
 * reads them too, and importing the probe would load undici into `ops validate`.
 */
export const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** `{{name}}` references in a step that no earlier step has extracted. */
export function unknownNames(step: StepConfig, vars: ReadonlyMap<string, string>): string[] {
  const texts = [step.url, step.body ?? "", ...Object.values(step.headers)];
  const names = texts.flatMap((t) => [...t.matchAll(TEMPLATE)].map((m) => m[1]!));
  return [...new Set(names.filter((n) => !vars.has(n)))];
}

/** Every `{{name}}` a step uses (for the config check). */
export function templateNames(step: StepConfig): string[] {
  return unknownNames(step, new Map());
}
