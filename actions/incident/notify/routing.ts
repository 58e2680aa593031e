import type { NotificationsConfig } from "../../shared/config/schema/incidents.ts";
import type { Severity } from "../../shared/status.ts";
import type { Delivery } from "./types.ts";

/**
 * A run's events by route (a route is chosen by each event's severity): the indexes of the events
 * each route carries, events in their order, routes in the order they first appear. Replays see
 * the same events in the same order, so they build the same messages.
 */
export function byRoute(
  events: ReadonlyArray<{ severity: Severity }>,
  routes: NotificationsConfig["routes"],
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  events.forEach((e, i) => {
    for (const route of routes[e.severity] ?? []) {
      const list = out.get(route) ?? [];
      if (list.at(-1) !== i) list.push(i);
      out.set(route, list);
    }
  });
  return out;
}

/**
 * Each event's deliveries, in its severity's route order (as a single event's always were), from
 * what each route did for the events it carried (`done`, aligned with `byRoute`'s indexes).
 */
export function perEvent(
  events: ReadonlyArray<{ severity: Severity }>,
  routes: NotificationsConfig["routes"],
  carried: ReadonlyMap<string, readonly number[]>,
  done: ReadonlyMap<string, readonly Delivery[]>,
): Delivery[][] {
  return events.map((e, i) =>
    (routes[e.severity] ?? []).map((route) => {
      const at = carried.get(route)?.indexOf(i) ?? -1;
      const d = done.get(route)?.[at];
      if (!d) throw new Error(`notifier: no delivery for event ${i} on route ${route} (a bug)`);
      return d;
    }),
  );
}
