/**
 * `${ENV_NAME}` references in config strings are resolved from the environment at run time.
 * Resolved values are remembered by a Redactor so that any text leaving the process (results,
 * reports, logs, issue bodies, error messages) can be scrubbed of them.
 */
import { MIN_SECRET_CHARS, type Redactor } from "./redactor.ts";

export { createRedactor, MIN_SECRET_CHARS, type Redactor } from "./redactor.ts";

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Env = Readonly<Record<string, string | undefined>>;

export function tooShort(name: string): string {
  return `${name} (shorter than ${MIN_SECRET_CHARS} characters, which cannot be hidden in output; set a longer value)`;
}

/**
 * Secrets the config refers to whose value in `env` is too short to be hidden: one message each,
 * naming the secret (`ops validate` reports them; resolution refuses them).
 */
export function shortSecrets(config: unknown, env: Env): string[] {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") for (const n of secretRefs(v)) names.add(n);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(config);
  return [...names]
    .sort()
    .filter((n) => (env[n] ?? "").length > 0 && env[n]!.length < MIN_SECRET_CHARS)
    .map((n) => `secret ${tooShort(n)}`);
}

/** Names of the secrets a string refers to. */
export function secretRefs(text: string): string[] {
  return [...text.matchAll(REF)].map((m) => m[1]!);
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; missing: string[] };

/**
 * Resolves every `${NAME}` in every string inside `value` (objects and arrays walked deeply).
 * Missing or empty variables are collected, not thrown: one service's missing secret must not
 * stop the others. A value shorter than 4 characters is refused the same way (it could not be
 * hidden in output): it is listed as "NAME (shorter than 4 characters)". Every resolved value is
 * added to `redactor`.
 */
export function resolveSecrets<T>(value: T, env: Env, redactor: Redactor): Resolved<T> {
  const missing = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v.replace(REF, (_, name: string) => {
        const found = env[name];
        if (found === undefined || found === "") {
          missing.add(name);
          return "";
        }
        if (found.length < MIN_SECRET_CHARS) {
          missing.add(tooShort(name));
          return "";
        }
        redactor.add(found);
        return found;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const out = walk(value) as T;
  return missing.size ? { ok: false, missing: [...missing].sort() } : { ok: true, value: out };
}
