import type { ScheduleConfig } from "../shared/config/schema/reports.ts";

/**
 * When the periodic reports are due. A report belongs to a scheduled time (a slot), and the first
 * run at or after the slot writes it if its file does not exist yet. So a cron that starts 20
 * minutes late still writes the 16:00 update, exactly once; a slot passed over entirely (no run
 * until the next slot) is skipped rather than back-filled with data from the wrong time.
 */
const DAY = 86_400_000;

function at(dayMs: number, hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return dayMs + h * 3_600_000 + m * 60_000;
}

/** The latest of the daily "HH:MM" slots at or before `now`. */
export function latestDailySlot(times: readonly string[], now: number): number | undefined {
  const today = Math.floor(now / DAY) * DAY;
  let best: number | undefined;
  for (const day of [today - DAY, today]) {
    for (const t of times) {
      const slot = at(day, t);
      if (slot <= now && (best === undefined || slot > best)) best = slot;
    }
  }
  return best;
}

/** The first daily slot strictly after `now`. */
export function nextDailySlot(times: readonly string[], now: number): number | undefined {
  const today = Math.floor(now / DAY) * DAY;
  let best: number | undefined;
  for (const day of [today, today + DAY]) {
    for (const t of times) {
      const slot = at(day, t);
      if (slot > now && (best === undefined || slot < best)) best = slot;
    }
  }
  return best;
}

/** The latest weekly slot (ISO weekday 1 = Monday, "HH:MM" UTC) at or before `now`. */
export function latestWeeklySlot(weekly: ScheduleConfig["weekly"], now: number): number {
  const today = Math.floor(now / DAY) * DAY;
  for (let back = 0; back <= 7; back++) {
    const day = today - back * DAY;
    const iso = ((new Date(day).getUTCDay() + 6) % 7) + 1;
    if (iso === weekly.day && at(day, weekly.time) <= now) return at(day, weekly.time);
  }
  throw new Error(`weekly slot not found for day ${weekly.day} ${weekly.time}: check schedule.weekly`);
}

/** ISO 8601 week of a time: "2026-W47", and the Monday it starts on. */
export function isoWeek(ms: number): { label: string; start: number } {
  const day = Math.floor(ms / DAY) * DAY;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  const monday = day - weekday * DAY;
  const thursday = monday + 3 * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday - jan1) / DAY / 7) + 1;
  return { label: `${year}-W${String(week).padStart(2, "0")}`, start: monday };
}

/** "2026-11-22T1600" for reports/updates/. */
export function slotName(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(":", "");
}
