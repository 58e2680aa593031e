import type { OpsConfig } from "../config/schema/index.ts";
import type { GroupState, Latest, ServiceState } from "../store/latest-schema.ts";

/**
 * One outage, one page (Alertmanager's inhibition): while a service or group is down, the failures
 * of what depends on it (`dependsOn`) and of the members of a down group are attributed to it.
 * Their status stays as probed (history is truthful); their reason reads "down (caused by
 * supabase)" and `causedBy` names the root cause, followed through chains (app → api → supabase).
 * The incident step opens no incident for an attributed failure and lists it on the root cause's
 * issue instead. Pure; the config's dependencies have no cycle (checked at load), and a cycle in
 * state is cut anyway.
 */
export function attributeCauses(latest: Latest, config: Pick<OpsConfig, "services" | "groups">): Latest {
  const status = (id: string) => latest.services[id]?.status ?? latest.groups[id]?.status;
  const direct = new Map<string, string>();
  const dependsOn = new Map<string, string[]>(
    [...config.services, ...config.groups].map((x) => [x.id, x.dependsOn ?? []]),
  );
  for (const [id, deps] of dependsOn) {
    const own = status(id);
    if (own !== "down" && own !== "degraded") continue;
    const dep = deps.find((d) => status(d) === "down");
    if (dep) direct.set(id, dep);
  }
  // Members fold into their down group (unless a dependency of their own explains them first).
  for (const g of config.groups) {
    if (status(g.id) !== "down") continue;
    for (const m of g.members) {
      const own = status(m);
      if ((own === "down" || own === "degraded") && !direct.has(m)) direct.set(m, g.id);
    }
  }
  const root = (id: string): string => {
    const seen = new Set([id]);
    let at = direct.get(id)!;
    while (direct.has(at) && !seen.has(direct.get(at)!)) {
      seen.add(at);
      at = direct.get(at)!;
    }
    return at;
  };
  const mark = <T extends ServiceState | GroupState>(x: T): T => {
    if (!direct.has(x.id)) return x.causedBy === undefined ? x : { ...x, causedBy: undefined };
    const cause = root(x.id);
    const reason = `${x.status} (caused by ${cause})`;
    return {
      ...x,
      causedBy: cause,
      reason: x.reason && !x.reason.startsWith(reason) ? `${reason}; own check: ${x.reason}` : reason,
    };
  };
  if (
    !direct.size &&
    !Object.values(latest.services).some((s) => s.causedBy) &&
    !Object.values(latest.groups).some((g) => g.causedBy)
  )
    return latest;
  return {
    ...latest,
    services: Object.fromEntries(Object.entries(latest.services).map(([k, s]) => [k, mark(s)])),
    groups: Object.fromEntries(Object.entries(latest.groups).map(([k, g]) => [k, mark(g)])),
  };
}
