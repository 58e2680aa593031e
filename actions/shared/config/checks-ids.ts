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
  return list.flatMap(
    (v, i): Array<[Raw, number]> => (v && typeof v === "object" && !Array.isArray(v) ? [[v as Raw, i]] : []),
  );
}

function strings(list: unknown): Array<[string, number]> {
  return Array.isArray(list)
    ? list.flatMap((v, i): Array<[string, number]> => (typeof v === "string" ? [[v, i]] : []))
    : [];
}

export function checkIdsAndReferences(data: unknown): Problem[] {
  const out: Problem[] = [];
  const serviceAt = new Map<string, number>();
  for (const [s, i] of items(data, "services")) {
    if (typeof s.id !== "string") continue;
    const first = serviceAt.get(s.id);
    if (first === undefined) serviceAt.set(s.id, i);
    else
      out.push(problem(["services", i, "id"], "a unique service id", `"${s.id}", already used by services[${first}]`));
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
      out.push(
        problem(
          ["groups", i, "id"],
          "an id no service uses",
          `"${g.id}", the id of services[${serviceAt.get(g.id)}]`,
          hint,
        ),
      );
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
        out.push(
          problem(
            at,
            "the id of a service in `services`",
            `"${m}"`,
            near ? `did you mean "${near}"?` : "no service has this id",
          ),
        );
      }
      seen.add(m);
    }
  }
  const ids = [...services, ...groupAt.keys()];
  for (const [w, wi] of items(data, "maintenance")) {
    for (const [id, j] of strings(w.services)) {
      if (serviceAt.has(id) || groupAt.has(id)) continue;
      const near = nearest(id, ids);
      out.push(
        problem(
          ["maintenance", wi, "services", j],
          "the id of a service or group",
          `"${id}"`,
          near ? `did you mean "${near}"?` : undefined,
        ),
      );
    }
  }
  for (const [w, wi] of items(data, "silences")) {
    for (const [id, j] of strings(w.services)) {
      if (serviceAt.has(id) || groupAt.has(id)) continue;
      const near = nearest(id, ids);
      out.push(
        problem(
          ["silences", wi, "services", j],
          "the id of a service or group",
          `"${id}"`,
          near ? `did you mean "${near}"?` : undefined,
        ),
      );
    }
  }
  out.push(...dependencyProblems(data, serviceAt, groupAt, ids));
  const site = data && typeof data === "object" ? (data as Raw).site : undefined;
  for (const [id, j] of strings(site && typeof site === "object" ? (site as Raw).services : undefined)) {
    if (serviceAt.has(id) || groupAt.has(id)) continue;
    const near = nearest(id, ids);
    out.push(
      problem(
        ["site", "services", j],
        "the id of a service or group",
        `"${id}"`,
        near ? `did you mean "${near}"?` : undefined,
      ),
    );
  }
  return out;
}

/** `dependsOn` of services and groups: existing ids, not itself, not a group's own member, no cycle. */
function dependencyProblems(
  data: unknown,
  serviceAt: Map<string, number>,
  groupAt: Map<string, number>,
  ids: string[],
): Problem[] {
  const out: Problem[] = [];
  const edges = new Map<string, { list: string; index: number; deps: string[] }>();
  for (const list of ["services", "groups"] as const) {
    for (const [x, xi] of items(data, list)) {
      if (typeof x.id !== "string") continue;
      const members = new Set(strings(x.members).map(([m]) => m));
      const deps: string[] = [];
      for (const [d, j] of strings(x.dependsOn)) {
        const at: PathSegment[] = [list, xi, "dependsOn", j];
        if (d === x.id) out.push(problem(at, "the id of another service or group", `"${d}", itself`));
        else if (members.has(d))
          out.push(
            problem(
              at,
              "a service or group outside the group",
              `"${d}", a member (members fold into their group by themselves)`,
            ),
          );
        else if (!serviceAt.has(d) && !groupAt.has(d)) {
          const near = nearest(d, ids);
          out.push(
            problem(
              at,
              "the id of a service or group",
              `"${d}"`,
              near ? `did you mean "${near}"?` : "no service or group has this id",
            ),
          );
        } else deps.push(d);
      }
      edges.set(x.id, { list, index: xi, deps });
    }
  }
  // A cycle would attribute an outage to itself: report each cycle once, at its first id.
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = path.slice(path.indexOf(id));
      const key = [...cycle].sort().join(",");
      if (reported.has(key)) return;
      reported.add(key);
      const first = edges.get(cycle[0]!)!;
      out.push(
        problem([first.list, first.index, "dependsOn"], "dependencies without a cycle", [...cycle, id].join(" → ")),
      );
      return;
    }
    state.set(id, "visiting");
    for (const d of edges.get(id)?.deps ?? []) visit(d, [...path, id]);
    state.set(id, "done");
  };
  for (const id of edges.keys()) visit(id, []);
  return out;
}
