import type { ReportModel } from "./model.ts";
import { type incidentFigures, incidentLines } from "./period.ts";
import { budgetTable } from "./status.ts";

/** The sections the weekly and monthly reports share at their end: error budgets, then the period's incidents. */
export function budgetAndIncidentSections(model: ReportModel, inc: ReturnType<typeof incidentFigures>): string[] {
  return [
    "## Error budgets (rolling 30 days at writing)",
    "",
    budgetTable(model.services),
    "",
    ...incidentSection(inc),
  ];
}

/** The period's incidents, opened or resolved in it, each once (daily, weekly and monthly reports). */
export function incidentSection(inc: ReturnType<typeof incidentFigures>): string[] {
  return [
    "## Incidents",
    "",
    ...(inc.opened.length || inc.resolved.length
      ? incidentLines([...new Set([...inc.opened, ...inc.resolved])])
      : ["None."]),
  ];
}
