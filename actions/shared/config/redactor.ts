/**
 * The one function every outbound text passes (`redactor.scrub`): results, reports, issue bodies,
 * comments, records, notifications, logs, summaries and error messages. It knows every form a
 * secret takes in output — plain, URL-encoded (component, whole URL, form), JSON-escaped (once and
 * twice, with non-ASCII as \u escapes or not), base64 (standard and URL-safe, standalone or inside a
 * longer base64 text such as a Basic credential), Markdown- and HTML-escaped — and the pieces of a
 * URL secret. A prefix of any form left at a cut ("…", "...", the end of the text) or a suffix at the
 * start of one is hidden too, so a text that was shortened before it was scrubbed cannot leak the
 * start of a token; callers still scrub first and shorten after.
 */
import { inlineMarkdown } from "../text/inert.ts";

export interface Redactor {
  /** Remember a secret value so that `scrub` hides it. Values under 4 characters are refused upstream. */
  add(value: string): void;
  /** Every remembered value, in any known form, replaced with "***". */
  scrub(text: string): string;
}

/** Shorter secrets would mangle ordinary text and cannot be hidden reliably: refused at resolution. */
export const MIN_SECRET_CHARS = 4;
/** A piece of a secret at a cut is hidden from this many characters on (12 of a 32-character key leaked before). */
export const PARTIAL_MIN_CHARS = 6;
const TOKENISH_SEGMENT = 16;
const MASK = "***";

export function createRedactor(): Redactor {
  const forms = new Set<string>();
  /** Forms whose prefixes and suffixes count at a cut (long enough to be worth it). */
  const partial = new Set<string>();
  let sorted: string[] = [];
  return {
    add(value) {
      if (value.length < MIN_SECRET_CHARS) return;
      // A secret that is a whole URL (a database URL, a private MCP endpoint, a webhook) leaks
      // in pieces: error messages quote its host ("DNS lookup of db.internal failed"), its
      // user, or a token in its path. Those pieces are hidden too, in every form. Its own start
      // ("https://hooks.") is no secret, so at a cut only the pieces count.
      const parts = urlParts(value);
      for (const piece of [value, ...parts]) {
        for (const f of formsOf(piece)) {
          if (f.length < MIN_SECRET_CHARS) continue;
          forms.add(f);
          if (f.length > PARTIAL_MIN_CHARS && (piece !== value || !parts.length)) partial.add(f);
        }
      }
      // Longest first, so a secret containing another is hidden whole.
      sorted = [...forms].sort((a, b) => b.length - a.length);
    },
    scrub(text) {
      if (!sorted.length || !text) return text;
      const once = cuts(replaceAll(text, sorted), partial);
      // A secret may arrive encoded some other way (lower-case hex, a path that keeps "/" and "+",
      // a form that turns spaces into "+"): when a decoded reading reveals one, that reading is
      // what we keep, scrubbed.
      for (const decoded of decodings(once)) {
        const again = cuts(replaceAll(decoded, sorted), partial);
        if (again !== decoded) return again;
      }
      return once;
    },
  };
}

function replaceAll(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(MASK);
  return out;
}

/** Every form a value takes in output. */
export function formsOf(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const jsonAscii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const out = [
    value,
    encodeURIComponent(value),
    encodeURI(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    json,
    jsonAscii,
    json.replace(/\//g, "\\/"),
    JSON.stringify(json).slice(1, -1),
    JSON.stringify(jsonAscii).slice(1, -1),
    value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!),
    value
      .replace(/[\\`[\]|]/g, (c) => `\\${c}`)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;"),
    // As the inert Markdown renderer writes it (joiners after "@", "#", ":"), should a text be
    // rendered before it is scrubbed.
    inlineMarkdown(value, { max: Number.MAX_SAFE_INTEGER }),
    ...base64Forms(value),
  ];
  return [...new Set(out)];
}

/**
 * Base64 of the value on its own, and the part of it that is the same wherever the value sits in a
 * longer encoded text (three alignments), standard and URL-safe.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const out: string[] = [bytes.toString("base64"), bytes.toString("base64").replace(/=+$/, "")];
  for (const k of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const start = [0, 2, 3][k]!;
    const end = Math.floor((8 * (k + bytes.length)) / 6);
    const core = encoded.slice(start, end);
    if (core.length >= 6) out.push(core);
  }
  return [...out, ...out.map((b) => b.replace(/\+/g, "-").replace(/\//g, "_"))];
}

/** Where a text was cut: its end (before closing punctuation), and around "…" or "...". */
function cuts(text: string, partial: ReadonlySet<string>): string {
  if (!partial.size) return text;
  let out = text;
  // A prefix of a secret just before a cut.
  const ends = [...positions(out, /…|\.\.\./g, "before"), out.replace(/[\s"'`)\]}>]+$/, "").length];
  for (const end of ends.sort((a, b) => b - a)) {
    const k = longestAt(out, end, partial, "prefix");
    if (k) out = `${out.slice(0, end - k)}${MASK}${out.slice(end)}`;
  }
  // A suffix of a secret just after one.
  const starts = [...positions(out, /…|\.\.\./g, "after"), out.length - out.replace(/^[\s"'`([{<]+/, "").length];
  for (const start of starts.sort((a, b) => b - a)) {
    const k = longestAt(out, start, partial, "suffix");
    if (k) out = `${out.slice(0, start)}${MASK}${out.slice(start + k)}`;
  }
  return out;
}

function positions(text: string, re: RegExp, side: "before" | "after"): number[] {
  return [...text.matchAll(re)].map((m) => (side === "before" ? m.index : m.index + m[0].length));
}

/** Length of the longest piece (≥ PARTIAL_MIN_CHARS) of a form that ends (prefix) or starts (suffix) at `at`. */
function longestAt(text: string, at: number, forms: ReadonlySet<string>, piece: "prefix" | "suffix"): number {
  let best = 0;
  for (const f of forms) {
    for (let k = f.length - 1; k >= PARTIAL_MIN_CHARS && k > best; k--) {
      const hit =
        piece === "prefix"
          ? at >= k && text.startsWith(f.slice(0, k), at - k)
          : text.startsWith(f.slice(f.length - k), at);
      if (hit) {
        best = k;
        break;
      }
    }
  }
  return best;
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

/** Host (with and without port), user, password and token-like path segments of a URL secret. */
function urlParts(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const parts = [url.hostname, url.host, safeDecode(url.username), safeDecode(url.password)];
  for (const segment of url.pathname.split("/"))
    if (segment.length >= TOKENISH_SEGMENT) parts.push(safeDecode(segment));
  // Loopback says nothing secret and would mangle every local message.
  if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname)) parts.splice(0, 2);
  return parts.filter(Boolean);
}

function safeDecode(text: string): string {
  return decode(text) ?? text;
}
