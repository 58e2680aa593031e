import { inlineMarkdown } from "../shared/text/inert.ts";

/** Formatting shared by every report: fixed, locale-free, so the same data gives the same bytes. */

/** Percent floored to two decimals, so 99.999 never shows as 100. "—" when unknown. */
export function pct(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  if (value >= 100) return "100%";
  return `${(Math.floor(value * 100) / 100).toFixed(2)}%`;
}

export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  return value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** "2026-11-22 16:20 UTC" */
export function utc(at: string | number | Date | undefined): string {
  if (at === undefined) return "—";
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "47 min", "3 h 5 min", "2 d 4 h" */
export function duration(value: number): string {
  const min = Math.round(value / 60_000);
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
  const h = Math.round(min / 60);
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${h / 24} d`;
}

/**
 * Text for a Markdown table cell or a line (reasons come from services and may hold anything):
 * inert — no HTML, comment, mention, reference, link, image or row break — and bounded.
 */
export function cell(text: string): string {
  return inlineMarkdown(text, { max: 1_000 });
}

export function table(header: string[], rows: string[][], align?: Array<"l" | "r" | "c">): string {
  const sep = header.map((_, i) => ({ l: ":--", r: "--:", c: ":-:" })[align?.[i] ?? "l"]);
  return [header, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}
