/**
 * The workflow's dispatch inputs, parsed once at the edge. Every problem is reported at once,
 * each naming the input and what was expected; empty strings mean "not given".
 */
import type { OpsConfig, RollbackConfig, ServiceConfig } from "../shared/config/schema/index.ts";

export interface RollbackRequest {
  service: string;
  /** Release version ("v42", "42") or image ref; undefined = the previous distinct image. */
  target?: string;
  reason: string;
  incident?: number;
  dryRun: boolean;
}

export interface RawInputs {
  service?: string | undefined;
  target?: string | undefined;
  reason?: string | undefined;
  incident?: string | undefined;
  dry_run?: string | undefined;
}

export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid rollback input:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InputError";
    this.problems = problems;
  }
}

export function parseRollbackInputs(raw: RawInputs): RollbackRequest {
  const problems: string[] = [];
  const service = (raw.service ?? "").trim();
  if (!service)
    problems.push('input "service": required (the id of a service that declares `rollback` in ops.config.yml)');
  const reason = (raw.reason ?? "").trim();
  if (!reason) problems.push('input "reason": required (say why, e.g. "P1: error rate 12% since v43")');
  else if (reason.length > 500) problems.push(`input "reason": at most 500 characters (found ${reason.length})`);
  const target = (raw.target ?? "").trim() || undefined;
  if (target && target.length > 256) problems.push(`input "target": at most 256 characters (found ${target.length})`);

  let incident: number | undefined;
  const rawIncident = (raw.incident ?? "").trim().replace(/^#/, "");
  if (rawIncident) {
    if (/^[1-9]\d{0,9}$/.test(rawIncident)) incident = Number(rawIncident);
    else problems.push(`input "incident": an issue number such as 42 (found "${raw.incident}")`);
  }
  const dryRaw = (raw.dry_run ?? "").trim().toLowerCase();
  if (!["", "true", "false"].includes(dryRaw)) problems.push(`input "dry_run": true or false (found "${raw.dry_run}")`);

  if (problems.length) throw new InputError(problems);
  return {
    service,
    reason,
    dryRun: dryRaw === "true",
    ...(target ? { target } : {}),
    ...(incident ? { incident } : {}),
  };
}

/** Ids of the services that declare a rollback: exactly the workflow's `service` choices. */
export function rollbackServiceIds(config: OpsConfig): string[] {
  return config.services.filter((s) => s.rollback).map((s) => s.id);
}

export function selectService(config: OpsConfig, id: string): { service: ServiceConfig; rollback: RollbackConfig } {
  const choices = rollbackServiceIds(config);
  const service = config.services.find((s) => s.id === id);
  if (!service) {
    throw new InputError([
      `input "service": unknown service "${id}"; ops.config.yml has no service with that id. Services that declare a rollback: ${choices.join(", ") || "none"}`,
    ]);
  }
  if (!service.rollback) {
    throw new InputError([
      `input "service": "${id}" declares no rollback target; add \`rollback:\` (provider fly or command) to it in ops.config.yml. Services that declare one: ${choices.join(", ") || "none"}`,
    ]);
  }
  return { service, rollback: service.rollback };
}
