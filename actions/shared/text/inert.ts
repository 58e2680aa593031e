/**
 * Text a monitored service chose (an error message, an echoed body, a header) is data, never
 * markup or control. Every place such text lands renders it through one of these functions, so it
 * cannot open an HTML comment (and so cannot forge the incident marker), mention or ping anyone,
 * reference an issue, embed an image, make a link, start a code span or block, or break a table
 * row — and it is always bounded.
 *
 * Ordinary reasons ("unexpected status 503 (expected 2xx)", "connection refused") come out
 * unchanged; only the characters that could act are neutralised. The renderers work on text that
 * was already scrubbed of secrets (`actions/shared/probe/redact.ts`): scrub first, then render.
 */

/** Zero-width joiner: invisible, but "@\u200Dname" is no mention and "#\u200D12" no reference. */
const ZWJ = "\u200D";
export const DEFAULT_MAX_CHARS = 300;

export interface InlineOptions {
  /** Longest text kept, in characters, before escaping (default 300); longer ends with "…". */
  max?: number;
}

/** One line of inline GitHub Markdown: issue bodies, comments, records, reports, table cells. */
export function inlineMarkdown(text: string, options: InlineOptions = {}): string {
  return (
    bound(oneLine(text), options.max ?? DEFAULT_MAX_CHARS)
      .replace(/[\\`[\]<>|&]/g, (c) => MD_ESCAPE[c]!)
      // Mentions (@user, @org/team, and the "@" of an e-mail address, which GitHub would link).
      .replace(/@(?=\w)/g, `@${ZWJ}`)
      // Issue references (#12, owner/repo#12, GH-12): each would also post a back-reference there.
      .replace(/#(?=\d)/g, `#${ZWJ}`)
      .replace(/\b(GH)-(?=\d)/gi, `$1${ZWJ}-`)
      // Bare URLs, which GitHub turns into links, get a joiner: "https:<ZWJ>//…", "www<ZWJ>.…".
      .replace(/:(?=\/\/)/g, `:${ZWJ}`)
      .replace(/\b(www)\./gi, `$1${ZWJ}.`)
  );
}

/**
 * A fenced code block whose fence is longer than any backtick run inside, so nothing in the text
 * can close it early. Lines are kept (control characters other than newline and tab removed).
 */
export function fencedBlock(text: string, options: { info?: string; max?: number } = {}): string {
  const body = bound(stripControls(text, true), options.max ?? 4_000);
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  const info = (options.info ?? "").replace(/[^\w+-]/g, "");
  return `${fence}${info}\n${body}\n${fence}`;
}

/**
 * Slack mrkdwn (incoming webhooks): `&`, `<`, `>` escaped as Slack asks, so no `<!channel>`,
 * `<@U123>`, `<!subteam^…>` or `<url|text>` can be formed; a bare "@channel" / "@here" is defused
 * too. (The message also turns unfurling off: a URL in the text is never fetched by Slack.)
 */
export function slackText(text: string, options: InlineOptions = {}): string {
  return defuseMentions(bound(oneLine(text), options.max ?? DEFAULT_MAX_CHARS))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * Plain text for any other chat or paging payload (PagerDuty, Microsoft Teams, Discord, webhooks):
 * one line, bounded, no control characters, and no "@everyone", "@here", "<@id>" or "<@&role>"
 * mention can be formed.
 */
export function plainText(text: string, options: InlineOptions = {}): string {
  return defuseMentions(bound(oneLine(text), options.max ?? DEFAULT_MAX_CHARS)).replace(/<([@#!&])/g, `<${ZWJ}$1`);
}

/** HTML text content or a quoted attribute value. */
export function htmlText(text: string, options: InlineOptions = {}): string {
  return bound(stripControls(text, true), options.max ?? DEFAULT_MAX_CHARS).replace(
    /[&<>"'`]/g,
    (c) => HTML_ESCAPE[c]!,
  );
}

/**
 * Only what can act is escaped; emphasis characters are left alone (at worst they italicise a
 * reason), so "CERT_HAS_EXPIRED" reads the same in the raw text and the rendering.
 */
const MD_ESCAPE: Record<string, string> = {
  "\\": "\\\\",
  // No code span can open and swallow the text around it.
  "`": "\\`",
  "[": "\\[",
  "]": "\\]",
  // Entities, not backslashes: "&lt;" can never start a tag, a comment or an autolink.
  "<": "&lt;",
  ">": "&gt;",
  "|": "\\|",
  // "&#64;" would be decoded to "@" before GitHub looks for mentions.
  "&": "&amp;",
};

const HTML_ESCAPE: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

function defuseMentions(text: string): string {
  return text.replace(/@(?=[\w])/g, `@${ZWJ}`);
}

/** Newlines, tabs and other control characters (and Unicode line separators) become one space. */
function oneLine(text: string): string {
  return stripControls(text, false).replace(/\s+/g, " ").trim();
}

function stripControls(text: string, keepNewlines: boolean): string {
  const t = keepNewlines ? text.replace(/\r\n?/g, "\n") : text;
  // C0 and C1 controls, bidi overrides and isolates (they make a line read differently than it is).
  return t.replace(
    keepNewlines
      ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
      : /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    " ",
  );
}

/** Cut to `max` characters (whole code points, never half a surrogate pair), marked with "…". */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = [...text.slice(0, Math.max(0, max - 1))];
  const last = cut.at(-1);
  if (last && last.length === 1 && /[\ud800-\udbff]/.test(last)) cut.pop();
  return `${cut.join("")}…`;
}
