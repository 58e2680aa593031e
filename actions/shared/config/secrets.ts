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
      // A secret that is a whole URL (a database URL, a private MCP endpoint, a webhook) leaks
      // in pieces: error messages quote its host ("DNS lookup of db.internal failed"), its
      // user, or a token in its path. Those pieces are hidden too.
      for (const part of urlParts(value)) if (part.length >= 4) values.add(part);
    },
    scrub(text) {
      let out = text;
      // Longest first, so a secret containing another is hidden whole.
      for (const v of [...values].sort((a, b) => b.length - a.length)) out = out.split(v).join("***");
      return out;
    },
  };
}

const TOKENISH_SEGMENT = 16;

/** Host (with and without port), user, password and token-like path segments of a URL secret. */
function urlParts(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const parts = [url.hostname, url.host, decodeURIComponent(url.username), decodeURIComponent(url.password)];
  for (const segment of url.pathname.split("/")) if (segment.length >= TOKENISH_SEGMENT) parts.push(decodeURIComponent(segment));
  // Loopback says nothing secret and would mangle every local message.
  if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname)) parts.splice(0, 2);
  return parts.filter(Boolean);
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
