import type { NotificationsConfig } from "./schema/incidents.ts";
import { BUILTIN_ROUTES } from "./schema/channels.ts";
import { problem, type Problem } from "./errors.ts";

interface Out {
  errors: Problem[];
  warnings: Problem[];
}

/**
 * Every route names a built-in route or a channel under `notifications.channels`; a channel no
 * severity routes to is probably a mistake (it would never send), so it is a warning.
 */
export function checkNotificationRoutes(n: NotificationsConfig, out: Out): void {
  const builtin = new Set<string>(BUILTIN_ROUTES);
  const channels = Object.keys(n.channels);
  const used = new Set<string>();
  for (const severity of ["P0", "P1", "P2", "P3"] as const) {
    n.routes[severity].forEach((route, i) => {
      used.add(route);
      if (builtin.has(route) || route in n.channels) return;
      const known = [...BUILTIN_ROUTES, ...channels].join(", ");
      out.errors.push(
        problem(
          ["notifications", "routes", severity, i],
          `a route: ${known}`,
          JSON.stringify(route),
          "add the channel under notifications.channels or fix the name",
        ),
      );
    });
  }
  for (const name of channels) {
    if (!used.has(name))
      out.warnings.push(
        problem(
          ["notifications", "channels", name],
          "a channel named in notifications.routes",
          "a channel no severity routes to",
          "it never sends; add it to a severity's routes",
        ),
      );
  }
}
