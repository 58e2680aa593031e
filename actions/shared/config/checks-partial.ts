import type { z } from "zod";
import {
  Defaults,
  EscalationLevel,
  Group,
  MaintenanceWindow,
  Notifications,
  OpsConfig,
  Schedule,
  Service,
} from "./schema/index.ts";
import { checkQuorum, checkService, checkThresholds, type CheckResult } from "./checks.ts";
import { checkEscalation, checkMaintenance, checkSchedule, type EscalationLevelConfig } from "./checks-time.ts";
import { checkRefsIn } from "./checks-refs.ts";
import { checkNotificationRoutes } from "./checks-notify.ts";
import type { Problem } from "./errors.ts";

/**
 * The semantic checks for a config the schema rejected. Each service, group, maintenance window,
 * escalation level, the defaults and the schedule is parsed with its own schema, and the checks
 * run on every part that parses, so one bad service does not hide another's impossible
 * thresholds. A part that fails already has its schema errors and is skipped, so nothing is
 * reported twice. Missing parts take their defaults, which pass every check, so they are skipped
 * too. Only errors: warnings wait until the file is valid.
 */
type Raw = Record<string, unknown>;

/** Lists checked item by item; every other top-level key is checked as one part. */
const LISTS: Record<string, z.ZodType> = { services: Service, groups: Group, maintenance: MaintenanceWindow };

export function checkValidParts(data: unknown): Problem[] {
  if (!isRaw(data)) return [];
  const out: CheckResult = { errors: [], warnings: [] };

  // An inherited timeout is compared only when `defaults` is valid (absent counts as valid).
  const defaults = parse(Defaults, data.defaults === undefined ? {} : data.defaults);
  if (defaults && data.defaults !== undefined) checkThresholds(defaults.thresholds, ["defaults", "thresholds"], out);
  for (const [s, i] of parsedItems(data.services, Service)) checkService(defaults?.timeout, s, i, out);
  for (const [g, i] of parsedItems(data.groups, Group)) checkQuorum(g, i, out);
  for (const [w, i] of parsedItems(data.maintenance, MaintenanceWindow)) checkMaintenance(w, i, out);
  const incidents = data.incidents;
  if (isRaw(incidents)) checkEscalation(parsedItems<EscalationLevelConfig>(incidents.escalation, EscalationLevel), out);
  const schedule = data.schedule === undefined ? undefined : parse(Schedule, data.schedule);
  if (schedule) checkSchedule(schedule, out);
  const notifications = data.notifications === undefined ? undefined : parse(Notifications, data.notifications);
  if (notifications) checkNotificationRoutes(notifications, out);

  for (const [key, schema] of Object.entries(OpsConfig.shape)) {
    const list = LISTS[key];
    if (list) for (const [item, i] of parsedItems(data[key], list)) checkRefsIn(item, [key, i], out);
    else if (data[key] !== undefined) {
      const part = parse(schema as z.ZodType, data[key]);
      if (part !== undefined) checkRefsIn(part, [key], out);
    }
  }
  return out.errors;
}

function isRaw(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

/** The items of a list that pass `schema`, each with its index in the file. */
function parsedItems<T>(list: unknown, schema: z.ZodType<T>): Array<[T, number]> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((v, i): Array<[T, number]> => {
    const item = parse(schema, v);
    return item === undefined ? [] : [[item, i]];
  });
}
