import { checkConnectivity, type Connectivity, type Reach } from "../connectivity.ts";
import type { IssuesApi } from "../github/types.ts";
import { activeMaintenance, type ActiveMaintenance, type IssueWindow } from "../maintenance.ts";
import { guarded, type RunContext } from "./context.ts";
import { loadMaintenanceIssues } from "./maintenance-issues.ts";

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

/**
 * The maintenance windows in force at the run's time. Issues are read only with a client; a
 * failure to read them is reported in `errors` and the config's windows still apply.
 */
export async function maintenanceStep(ctx: RunContext, github: IssuesApi | undefined, errors: string[]): Promise<ActiveMaintenance> {
  const windows: IssueWindow[] = [];
  if (github) {
    const found = await guarded(ctx, errors, "reading maintenance issues", () => loadMaintenanceIssues(github));
    for (const p of found?.problems ?? []) ctx.log.warn(p);
    windows.push(...(found?.windows ?? []));
  }
  return activeMaintenance(ctx.config.maintenance, windows, ctx.runAt);
}

/** Ids of the services the evaluation records as `maintenance` this run. */
export function servicesInMaintenance(ctx: Pick<RunContext, "config">, maintenance: ActiveMaintenance): ReadonlySet<string> {
  return new Set(ctx.config.services.map((s) => s.id).filter((id) => maintenance.reasonFor(id) !== undefined));
}
