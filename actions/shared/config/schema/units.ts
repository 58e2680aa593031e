import { z } from "zod";

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "800ms", "2s", "15m", "1h", "30d", or a number of milliseconds. Parsed to milliseconds. */
export const Duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(DURATION_RE, { message: 'a duration such as "800ms", "2s", "15m", "1h" or "7d"' }),
  ])
  .transform((v) => (typeof v === "number" ? v : parseDuration(v)))
  .meta({ description: 'Milliseconds, or a string such as "800ms", "2s", "15m", "1h", "7d".' });

/** A duration that must be more than 0: a timeout of 0 would fail every sample. */
export const PositiveDuration = Duration.refine((ms) => ms > 0, {
  message: "more than 0 (a timeout of 0 would fail every request)",
});

/**
 * The one duration grammar, for the config and the command line alike: a unit string, or bare
 * digits meaning milliseconds (as a YAML number does).
 */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const m = DURATION_RE.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (expected e.g. "800ms", "2s", "15m")`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const min = Math.round(ms / 60_000);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

export const Percent = z.number().min(0).max(100);

/** Lower-case slug: service ids, group ids, labels. */
export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: "lower-case letters, digits and dashes, starting with a letter or digit",
  });

/** A string that may hold `${ENV_NAME}` secret references, resolved at run time and never written out. */
export const SecretString = z.string().meta({
  description:
    "May contain ${ENV_NAME} references; they are read from the environment at run time and never written anywhere.",
});

/**
 * A URL with one of `schemes`, or a string that starts with a `${SECRET}` holding it (checked at
 * run time). Without it, "127.0.0.1:18081/" passed `ops validate` and failed only when probed.
 */
export function SecretUrl(schemes: string[], example: string) {
  const pattern = new RegExp(`^(\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}|(${schemes.join("|")})://[^\\s/?#]+)`, "i");
  const names = schemes.map((s) => `${s}://`).join(" or ");
  return z
    .string()
    .regex(pattern, { message: `a URL starting with ${names}, such as "${example}" (or a \${SECRET} holding one)` })
    .meta({
      description: `A ${names} URL. May contain \${ENV_NAME} references; they are read from the environment at run time and never written anywhere.`,
    });
}
