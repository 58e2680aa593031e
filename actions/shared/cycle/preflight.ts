import { checkConnectivity, type Connectivity, type Reach } from "../connectivity.ts";
import type { IssuesApi } from "../github/types.ts";
import { activeMaintenance, type ActiveMaintenance } from "../maintenance.ts";
import type { RunContext } from "./context.ts";
import { type KnownWindows, readMaintenanceWithDeadline } from "./maintenance-issues.ts";

/**
 * Preflight, before anything is blamed: can the runner reach the internet at all, and which
 * services are inside a maintenance window (from the config and from open `maintenance` issues).
 */
export function checkRunner(ctx: Pick<RunContext, "config">, reach?: Reach): Promise<Connectivity> {
  return checkConnectivity(ctx.config.connectivity, reach);
}

/** Why the runner is offline, said once for the whole run. */
export function offlineNote(c: Connectivity): string | undefined {
  if (c.online) return undefined;
  return `runner offline: ${c.offline?.kind === "offline" ? c.offline.detail : "no connectivity URL answered"}; every service recorded unknown`;
}

/** How long the maintenance issues may take to read; the probes run meanwhile, so this costs nothing when GitHub is well. */
export const MAINTENANCE_DEADLINE_MS = 10_000;

export interface MaintenanceInForce {
  maintenance: ActiveMaintenance;
  /** The issues' windows as read now, to keep in the state for a run whose GitHub does not answer. */
  known?: KnownWindows;
  /** Said once when GitHub was not read and the last known windows stood in. */
  note?: string;
  /** GitHub failed or did not answer in time: later GitHub work in this run would only wait again. */
  githubDown?: boolean;
}

/**
 * The maintenance windows in force at the run's time: the config's, and those of open
 * `maintenance` issues (only with a client). GitHub is read with a deadline and never stalls the
 * run: when it fails or is late, the last known windows stand in and the note says so.
 */
export async function maintenanceStep(
  ctx: RunContext,
  github: IssuesApi | undefined,
  lastKnown?: KnownWindows,
): Promise<MaintenanceInForce> {
  if (!github) return { maintenance: activeMaintenance(ctx.config.maintenance, [], ctx.runAt) };
  const read = await readMaintenanceWithDeadline({
    github,
    deadlineMs: MAINTENANCE_DEADLINE_MS,
    ...(lastKnown && { lastKnown }),
    now: ctx.runAt,
  });
  for (const p of read.problems) ctx.log.warn(p);
  if (read.note) ctx.log.warn(read.note);
  return {
    maintenance: activeMaintenance(ctx.config.maintenance, read.windows, ctx.runAt),
    ...(read.known && { known: read.known }),
    ...(read.note && { note: read.note }),
    ...(read.source === "last-known" && { githubDown: true }),
  };
}

/** Ids of the services the evaluation records as `maintenance` this run. */
export function servicesInMaintenance(
  ctx: Pick<RunContext, "config">,
  maintenance: ActiveMaintenance,
): ReadonlySet<string> {
  return new Set(ctx.config.services.map((s) => s.id).filter((id) => maintenance.reasonFor(id) !== undefined));
}
