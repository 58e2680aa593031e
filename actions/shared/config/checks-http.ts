import type { HttpProbeConfig, StepConfig, StepsProbeConfig } from "./schema/index.ts";
import { problem, type PathSegment, type Problem } from "./errors.ts";
import { parseJsonPath } from "../probe/json-path.ts";
import { templateNames } from "../probe/steps-template.ts";

interface Out {
  errors: Problem[];
  warnings: Problem[];
}

/**
 * Regular expressions that compile and JSON paths that parse, in one HTTP exchange's assertions,
 * value and extractions (an http probe, or one step of a steps probe).
 */
export function checkExchange(
  p: Pick<HttpProbeConfig, "expect"> & { value?: HttpProbeConfig["value"]; extract?: StepConfig["extract"] },
  at: PathSegment[],
  out: Out,
): void {
  p.expect.headers.forEach((a, i) => {
    if (!("matches" in a)) return;
    try {
      new RegExp(a.matches);
    } catch (e) {
      out.errors.push(
        problem(
          [...at, "expect", "headers", i, "matches"],
          "a valid regular expression",
          `${JSON.stringify(a.matches)} (${(e as Error).message})`,
        ),
      );
    }
  });
  const paths: Array<[string, PathSegment[]]> = p.expect.json.map((a, i) => [
    a.path,
    [...at, "expect", "json", i, "path"],
  ]);
  if (p.value && "json" in p.value) paths.push([p.value.json, [...at, "value", "json"]]);
  for (const [name, how] of Object.entries(p.extract ?? {}))
    if ("json" in how) paths.push([how.json, [...at, "extract", name, "json"]]);
  for (const [path, where] of paths) {
    try {
      parseJsonPath(path);
    } catch (e) {
      out.errors.push(
        problem(where, 'a JSON path such as "checks[0].state"', `${JSON.stringify(path)} (${(e as Error).message})`),
      );
    }
  }
}

/**
 * A steps probe: every `{{name}}` a step uses is extracted by an EARLIER step (a cleanup step may
 * use any step's values), a name is extracted once, and each step's assertions are well formed.
 */
export function checkSteps(p: StepsProbeConfig, at: PathSegment[], out: Out): void {
  const known = new Map<string, string>();
  const visit = (step: StepConfig, where: PathSegment[], available: ReadonlyMap<string, string>) => {
    checkExchange(step, where, out);
    for (const name of templateNames(step)) {
      if (available.has(name)) continue;
      const later = [...p.steps].some((s) => name in s.extract);
      const hint = later
        ? "a step can only use values extracted by the steps before it"
        : `add extract: { ${name}: { json: PATH } } to an earlier step`;
      out.errors.push(
        problem(
          [...where, ...fieldUsing(step, name)],
          `{{${name}}} extracted by an earlier step`,
          `{{${name}}} (${available.size ? `extracted so far: ${[...available.keys()].join(", ")}` : "nothing extracted before"})`,
          hint,
        ),
      );
    }
  };
  p.steps.forEach((step, i) => {
    visit(step, [...at, "steps", i], known);
    for (const name of Object.keys(step.extract)) {
      if (known.has(name))
        out.errors.push(
          problem(
            [...at, "steps", i, "extract", name],
            `a name not extracted before (step "${known.get(name)}" extracts it)`,
            `"${name}"`,
          ),
        );
      known.set(name, step.name);
    }
  });
  p.cleanup.forEach((step, i) => visit(step, [...at, "cleanup", i], known));
}

/** Where in a step `{{name}}` is written: its url, a header, or its body. */
function fieldUsing(step: StepConfig, name: string): PathSegment[] {
  const uses = (text: string) => new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`).test(text);
  if (uses(step.url)) return ["url"];
  const header = Object.entries(step.headers).find(([, v]) => uses(v));
  if (header) return ["headers", header[0]];
  return ["body"];
}
