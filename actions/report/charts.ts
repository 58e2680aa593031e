import type { OpsConfig } from "../shared/config/schema/index.ts";
import { availability } from "../shared/store/durations.ts";
import { countOf, quantile } from "../shared/store/histogram.ts";
import { DAY, HOUR, type ServiceModel } from "./model.ts";
import type { HistoryView } from "../shared/store/view.ts";

/**
 * Colours that read on GitHub's light and dark themes (at least 3:1 against both backgrounds),
 * set per chart through Mermaid's init directive; xychart-beta draws no legend, so the key is
 * written once above the charts and in every chart's title.
 */
export const P95_COLOUR = "#e8590c";
export const P50_COLOUR = "#1c7ed6";
export const UPTIME_COLOUR = "#2da44e";
export const CHART_KEY =
  "Response time: **orange line = p95** (the upper line), **blue line = p50**. Uptime: green bars, one per UTC day.";

/** Charts for every service that recorded a response time in the last 7 days, in config order. */
export function statusCharts(config: OpsConfig, view: HistoryView, now: number): string[] {
  return config.services
    .filter((s) => countOf(view.window(s.id, now - 7 * DAY, now).hist) > 0)
    .map((s) => serviceCharts(view, s, now));
}

/**
 * Charts as Mermaid `xychart-beta` blocks, which GitHub renders inside Markdown: nothing to
 * generate or commit besides the text, and the diff of a chart is readable. Buckets without data
 * are left off the x axis (Mermaid has no gaps), and the caption says how many.
 */
interface Point {
  label: string;
  values: number[];
}

export function serviceCharts(view: HistoryView, service: Pick<ServiceModel, "id" | "name">, now: number): string {
  // Inside Mermaid's quoted strings a double quote or a semicolon would end the statement.
  const name = service.name.replace(/[";]/g, "'");
  const h24 = latencySeries(view, service.id, now, 24, HOUR, (t) => `${iso(t).slice(11, 13)}h`);
  const d7 = latencySeries(
    view,
    service.id,
    now,
    28,
    6 * HOUR,
    (t) => `${iso(t).slice(5, 10)} ${iso(t).slice(11, 13)}h`,
  );
  const days: Point[] = [];
  let missingDays = 0;
  const today = Math.floor(now / DAY) * DAY;
  for (let i = 29; i >= 0; i--) {
    const from = today - i * DAY;
    const up = availability(view.window(service.id, from, Math.min(from + DAY, now)).ms);
    if (up === undefined) missingDays++;
    else days.push({ label: iso(from).slice(5, 10), values: [Math.floor(up * 100) / 100] });
  }
  return [
    `#### ${service.name}`,
    "",
    lineChart(`${name}: response time over 24 h, ms (orange p95, blue p50)`, h24.points),
    caption(h24.missing, "hour"),
    lineChart(`${name}: response time over 7 d, ms (orange p95, blue p50)`, d7.points),
    caption(d7.missing, "6-hour period"),
    barChart(`${name}: uptime per day over 30 d, %`, days),
    caption(missingDays, "day"),
  ]
    .filter((s) => s !== "")
    .join("\n\n");
}

function latencySeries(
  view: HistoryView,
  id: string,
  now: number,
  count: number,
  step: number,
  label: (t: number) => string,
) {
  const end = Math.floor(now / step) * step + step;
  const points: Point[] = [];
  let missing = 0;
  for (let i = count; i >= 1; i--) {
    const from = end - i * step;
    const stats = view.window(id, from, Math.min(from + step, now));
    const p50 = quantile(stats.hist, 0.5);
    const p95 = quantile(stats.hist, 0.95);
    if (p50 === undefined || p95 === undefined) missing++;
    else points.push({ label: label(from), values: [p95, p50] });
  }
  return { points, missing };
}

function lineChart(title: string, points: Point[]): string {
  if (points.length < 2) return `_${title}: not enough data yet._`;
  const top = niceCeil(Math.max(...points.map((p) => p.values[0]!)));
  return mermaid(
    [P95_COLOUR, P50_COLOUR],
    [
      `    title "${title}"`,
      `    x-axis [${points.map((p) => `"${p.label}"`).join(", ")}]`,
      `    y-axis "ms" 0 --> ${top}`,
      `    line [${points.map((p) => p.values[0]).join(", ")}]`,
      `    line [${points.map((p) => p.values[1]).join(", ")}]`,
    ],
  );
}

function barChart(title: string, points: Point[]): string {
  if (points.length < 1) return `_${title}: no data yet._`;
  const low = Math.max(0, Math.floor(Math.min(...points.map((p) => p.values[0]!))) - 1);
  return mermaid(
    [UPTIME_COLOUR],
    [
      `    title "${title}"`,
      `    x-axis [${points.map((p) => `"${p.label}"`).join(", ")}]`,
      `    y-axis "%" ${low} --> 100`,
      `    bar [${points.map((p) => p.values[0]).join(", ")}]`,
    ],
  );
}

function mermaid(palette: string[], lines: string[]): string {
  const init = `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette.join(", ")}"}}}}%%`;
  return ["```mermaid", init, "xychart-beta", ...lines, "```"].join("\n");
}

function caption(missing: number, unit: string): string {
  return missing ? `_${missing} ${unit}${missing === 1 ? "" : "s"} without data left off._` : "";
}

function niceCeil(n: number): number {
  if (n <= 0) return 10;
  const mag = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / mag) * mag;
}

/** Every service's chart has the same buckets: each label's time is formatted once. */
const ISO = new Map<number, string>();
function iso(t: number): string {
  let text = ISO.get(t);
  if (text === undefined) {
    text = new Date(t).toISOString();
    if (ISO.size > 10_000) ISO.clear();
    ISO.set(t, text);
  }
  return text;
}
