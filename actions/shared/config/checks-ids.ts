import { problem, type PathSegment, type Problem } from "./errors.ts";
import { nearest } from "./nearest.ts";

/**
 * Cross-references by id: unique service and group ids, group members, maintenance and silence services
 * that exist. Works on the raw parsed YAML as well as on a validated config, so these errors are
 * reported together with schema errors elsewhere in the file, not in a second round.
 */
type Raw = Record<string, unknown>;

function items(data: unknown, key: string): Array<[Raw, number]> {
  const list = data && typeof data === "object" ? (data as Raw)[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((v, i): Array<[Raw, number]> => (v && typeof v === "object" && !Array.isArray(v) ? [[v as Raw, i]] : []));
}

function strings(list: unknown): Array<[string, number]> {
  return Array.isArray(list) ? list.flatMap((v, i): Array<[string, number]> => (typeof v === "string" ? [[v, i]] : [])) : [];
}

export function checkIdsAndReferences(data: unknown): Problem[] {
  const out: Problem[] = [];
  const serviceAt = new Map<string, number>();
  for (const [s, i] of items(data, "services")) {
    if (typeof s.id !== "string") continue;
    const first = serviceAt.get(s.id);
    if (first === undefined) serviceAt.set(s.id, i);
    else out.push(problem(["services", i, "id"], "a unique service id", `"${s.id}", already used by services[${first}]`));
  }
  const groupAt = new Map<string, number>();
  for (const [g, i] of items(data, "groups")) {
    if (typeof g.id !== "string") continue;
    const first = groupAt.get(g.id);
    if (first !== undefined) {
      out.push(problem(["groups", i, "id"], "a unique group id", `"${g.id}", already used by groups[${first}]`));
      continue;
    }
    groupAt.set(g.id, i);
    if (serviceAt.has(g.id)) {
      const hint = "groups and services share one namespace (reports, labels, incidents)";
      out.push(problem(["groups", i, "id"], "an id no service uses", `"${g.id}", the id of services[${serviceAt.get(g.id)}]`, hint));
    }
  }
  const services = [...serviceAt.keys()];
  for (const [g, gi] of items(data, "groups")) {
    const seen = new Set<string>();
    for (const [m, mi] of strings(g.members)) {
      const at: PathSegment[] = ["groups", gi, "members", mi];
      if (seen.has(m)) out.push(problem(at, "each member listed once", `"${m}" listed again`));
      else if (groupAt.has(m)) out.push(problem(at, "the id of a service (groups do not nest)", `"${m}", a group`));
      else if (!serviceAt.has(m)) {
        const near = nearest(m, services);
        out.push(problem(at, "the id of a service in `services`", `"${m}"`, near ? `did you mean "${near}"?` : "no service has this id"));
      }
      seen.add(m);
    }
  }
  const ids = [...services, ...groupAt.keys()];
  for (const [w, wi] of items(data, "maintenance")) {
    for (const [id, j] of strings(w.services)) {
      if (serviceAt.has(id) || groupAt.has(id)) continue;
      const near = nearest(id, ids);
      out.push(problem(["maintenance", wi, "services", j], "the id of a service or group", `"${id}"`, near ? `did you mean "${near}"?` : undefined));
    }
  }
  for (const [w, wi] of items(data, "silences")) {
    for (const [id, j] of strings(w.services)) {
      if (serviceAt.has(id) || groupAt.has(id)) continue;
      const near = nearest(id, ids);
      out.push(problem(["silences", wi, "services", j], "the id of a service or group", `"${id}"`, near ? `did you mean "${near}"?` : undefined));
    }
  }
  const site = data && typeof data === "object" ? (data as Raw).site : undefined;
  for (const [id, j] of strings(site && typeof site === "object" ? (site as Raw).services : undefined)) {
    if (serviceAt.has(id) || groupAt.has(id)) continue;
    const near = nearest(id, ids);
    out.push(problem(["site", "services", j], "the id of a service or group", `"${id}"`, near ? `did you mean "${near}"?` : undefined));
  }
  return out;
}
