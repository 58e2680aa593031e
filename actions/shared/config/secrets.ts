/**
 * `${ENV_NAME}` references in config strings are resolved from the environment at run time.
 * Resolved values are remembered by a Redactor so that any text leaving the process (results,
 * reports, logs, issue bodies, error messages) can be scrubbed of them.
 */
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Env = Readonly<Record<string, string | undefined>>;

export interface Redactor {
  /** Remember a secret value so that `scrub` hides it. */
  add(value: string): void;
  /** Replace every remembered value (and its URL-encoded form) with "***". */
  scrub(text: string): string;
}

export function createRedactor(): Redactor {
  const values = new Set<string>();
  return {
    add(value) {
      // Very short values would mangle ordinary text and are not worth hiding.
      if (value.length < 4) return;
      values.add(value);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) values.add(encoded);
    },
    scrub(text) {
      let out = text;
      // Longest first, so a secret containing another is hidden whole.
      for (const v of [...values].sort((a, b) => b.length - a.length)) out = out.split(v).join("***");
      return out;
    },
  };
}

/** Names of the secrets a string refers to. */
export function secretRefs(text: string): string[] {
  return [...text.matchAll(REF)].map((m) => m[1]!);
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; missing: string[] };

/**
 * Resolves every `${NAME}` in every string inside `value` (objects and arrays walked deeply).
 * Missing or empty variables are collected, not thrown: one service's missing secret must not
 * stop the others. Every resolved value is added to `redactor`.
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
