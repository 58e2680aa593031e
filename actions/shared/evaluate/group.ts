import type { GroupConfig } from "../config/schema/index.ts";
import type { GroupState } from "../store/latest-schema.ts";
import type { Status } from "../status.ts";
import { sinceOf } from "./since.ts";

/**
 * A group's status comes from its quorum (runbook: MCP servers green 6/7 up, yellow 5/7, red below).
 * Operational means up or degraded. Members we know nothing about (unknown, maintenance) are not
 * counted as down: if they could still make the quorum, the group is unknown rather than red.
 */
export function evaluateGroup(
  group: GroupConfig,
  members: Record<string, Status | undefined>,
  now: Date,
  previous?: GroupState,
): GroupState {
  const statuses: Record<string, Status> = {};
  for (const id of group.members) statuses[id] = members[id] ?? "unknown";
  const values = Object.values(statuses);
  const operational = values.filter((s) => s === "up" || s === "degraded").length;
  const unsure = values.filter((s) => s === "unknown" || s === "maintenance").length;
  const total = group.members.length;
  const { green, yellow } = group.quorum;

  let status: Status;
  if (operational >= green) status = "up";
  else if (operational >= yellow) status = "degraded";
  else if (operational + unsure >= yellow) status = "unknown";
  else status = "down";

  const notOperational = group.members.filter((id) => !["up", "degraded"].includes(statuses[id]!));
  const reason =
    status === "up" && !notOperational.length
      ? ""
      : `${operational}/${total} operational (green ≥ ${green}, yellow ≥ ${yellow})` +
        (notOperational.length
          ? `; not operational: ${notOperational.map((id) => `${id} (${statuses[id]})`).join(", ")}`
          : "");
  const iso = now.toISOString();
  return {
    id: group.id,
    name: group.name,
    environment: group.environment,
    criticality: group.criticality,
    status,
    reason,
    since: sinceOf(previous, status, iso),
    checkedAt: iso,
    operational,
    total,
    members: statuses,
  };
}
