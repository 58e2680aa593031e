/**
 * HTML building with escaping by default: every interpolated value is escaped unless it is markup
 * this module built (`html\`…\`` or `raw()`). Service reasons, incident timelines and public
 * updates come from outside (services, comments) and are never trusted.
 */
export interface Markup {
  readonly __html: string;
}

type Part = string | number | Markup | undefined | null | false | readonly Part[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Markup built here, inserted as is. Never pass it text from outside. */
export function raw(markup: string): Markup {
  return { __html: markup };
}

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return "";
  if (Array.isArray(part)) return part.map(render).join("");
  if (typeof part === "object") return (part as Markup).__html;
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return raw(out);
}
