import type { OpsConfig } from "../shared/config/schema/index.ts";
import type { Status } from "../shared/status.ts";
import type { Latest } from "../shared/store/latest-schema.ts";
import { fencedBlock } from "../shared/text/inert.ts";
import { cell, utc } from "./format.ts";
import type { ReportModel } from "./model.ts";
import type { BudgetAlert } from "../shared/slo/slo.ts";

/**
 * The on-call runbook's "Integration Status Update", one file per scheduled time
 * (reports/updates/YYYY-MM-DDTHHmm.md): ✅/⚠️/❌ per integration with its success rate (or its
 * response time when the service is rated on latency), the groups as "MCPs: X/7 operational",
 * then issues, actions and the next check. The plain-text block is ready to paste into Slack.
 */
const MARK: Record<Status, string> = { up: "✅", degraded: "⚠️", down: "❌", unknown: "❔", maintenance: "🔧" };

export interface UpdateInput {
  config: OpsConfig;
  latest: Latest | undefined;
  model: ReportModel;
  alerts: BudgetAlert[];
  slot: number;
  nextCheck?: number;
}

export function renderUpdate({ config, latest, model, alerts, slot, nextCheck }: UpdateInput): string {
  const grouped = new Set(config.groups.flatMap((g) => g.members));
  const lines: string[] = [];
  for (const svc of config.services) {
    if (grouped.has(svc.id)) continue;
    const state = latest?.services[svc.id];
    if (!state) {
      lines.push(`${svc.name}: ${MARK.unknown} - no data - not checked yet`);
      continue;
    }
    const byLatency = svc.thresholds.latency !== undefined;
    const stat = svc.thresholds.latency?.stat ?? "p95";
    const metric = byLatency
      ? `${state.metrics[stat] === undefined ? "—" : `${Math.round(state.metrics[stat]!)}ms`}`
      : `${state.metrics.count ? `${formatRate(state.metrics.successRate)}%` : "—"}`;
    lines.push(
      `${svc.name}: ${MARK[state.status]} - ${metric} - ${state.status === "up" ? "OK" : oneLine(state.reason || state.status)}`,
    );
  }
  for (const g of model.groups) {
    const count = g.operational === undefined ? "?" : String(g.operational);
    lines.push(
      `${g.name}: ${count}/${g.total} operational - ${g.status === "up" ? "OK" : oneLine(g.reason || g.status)}`,
    );
  }
  // Written twice: as plain text for the Slack block, and as Markdown with each name made inert
  // (the issue numbers are ours and stay references).
  const issueItems = (t: (s: string) => string) => [
    ...model.openIncidents.map(
      (i) => `${i.severity} ${t(i.subject)} ${i.status}${i.number ? ` (#${i.number})` : ""} since ${utc(i.openedAt)}`,
    ),
    ...model.services.filter((s) => s.status !== "up" && !s.incident).map((s) => `${t(s.name)} ${s.status}`),
  ];
  const actionItems = (t: (s: string) => string) => [
    ...model.openIncidents.map(
      (i) => `incident ${i.number ? `#${i.number}` : t(i.key)} open, escalation level ${i.escalationLevel}`,
    ),
    ...alerts.map((a) => `error-budget ${a.action} for ${t(a.name)} (${a.long.burnRate}× burn)`),
  ];
  const issues = issueItems((x) => x);
  const actions = actionItems((x) => x);
  const text = [
    `🔍 Integration Status Update - ${utc(slot)}`,
    "",
    ...lines,
    "",
    `Issues: ${issues.length ? issues.join("; ") : "None"}`,
    `Actions: ${actions.length ? actions.join("; ") : "None"}`,
    "",
    `Next check: ${nextCheck === undefined ? "—" : utc(nextCheck)}`,
  ];
  return [
    `# 🔍 Integration Status Update - ${utc(slot)}`,
    "",
    `Data as of ${utc(latest?.updatedAt ?? model.now)}.`,
    "",
    ...lines.map((l) => `- ${cell(l)}`),
    "",
    `**Issues:** ${issues.length ? issueItems(cell).join("; ") : "None"}`,
    "",
    `**Actions:** ${actions.length ? actionItems(cell).join("; ") : "None"}`,
    "",
    `**Next check:** ${nextCheck === undefined ? "—" : utc(nextCheck)}`,
    "",
    "<details><summary>Plain text for Slack</summary>",
    "",
    // The plain text quotes services: a fence longer than any backtick run in it, so none closes it.
    fencedBlock(text.join("\n"), { info: "text", max: 64_000 }),
    "",
    "</details>",
    "",
  ].join("\n");
}

/** latest.json holds the success rate in percent. */
function formatRate(percent: number): string {
  return percent >= 100 ? "100" : percent.toFixed(1);
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 100 ? `${t.slice(0, 99)}…` : t;
}
