/**
 * `steps` probe: a multi-step HTTP API check (the launch checklist's "send a test message, verify
 * receipt"). Steps run in order on one deadline (the sample's timeout); each has its own
 * assertions and may `extract` values (a JSON path or a header) that later steps use as
 * `{{name}}`. The first failing step ends the check and is its reason (`step "verify": …`).
 * Cleanup steps then always run, on their own short deadline, so test data is removed even after
 * a failure or a timeout; a cleanup that fails makes the sample degraded (a warning), never down.
 */
import type { StepConfig, StepsProbeConfig } from "../config/schema/index.ts";
import { openSession, type ApiResponse, type ApiSession } from "./api/request.ts";
import { checkBody, checkStatus } from "./http/assertions.ts";
import { checkHeaders, headerValue } from "./http/headers.ts";
import { lookupJsonPath, parseJsonPath } from "./json-path.ts";
import type { ProbeKind, SampleOptions } from "./kind.ts";
import { describeFailure, type Failure, type Sample } from "./result.ts";
import { TEMPLATE, unknownNames } from "./steps-template.ts";

/** Cleanup's own deadline: short, and inside the engine's grace for a kind past its timeout. */
const CLEANUP_MS = 1_500;
const CREDENTIAL_HEADER = /auth|token|key|secret|cookie|session/i;

type Vars = Map<string, string>;

export const stepsKind: ProbeKind<StepsProbeConfig> = async (probe, opts, deps) => {
  const at = deps.clock.now().toISOString();
  const vars: Vars = new Map();
  const hidden: string[] = [];
  const session = openSession(opts);
  let failure: Failure | undefined;
  let statusCode: number | undefined;
  let firstByte: number | undefined;
  try {
    for (const step of probe.steps) {
      const r = await runStep(session, step, vars, hidden);
      firstByte ??= r.firstByteMs;
      statusCode = r.status ?? statusCode;
      if (r.failure) {
        failure = { ...r.failure, step: step.name };
        break;
      }
    }
  } finally {
    await session.close();
  }
  const total = session.elapsed();
  const notes = probe.cleanup.length ? await cleanUp(probe.cleanup, vars, hidden, opts) : [];
  const sample: Sample = { at, ok: !failure, timings: { ...(firstByte !== undefined && { firstByte }), total } };
  if (statusCode !== undefined) sample.statusCode = statusCode;
  if (failure) sample.failure = hide(failure, hidden);
  if (notes.length) sample.warning = hideText(notes.join("; "), hidden);
  return sample;
};

async function cleanUp(steps: StepConfig[], vars: Vars, hidden: string[], opts: SampleOptions): Promise<string[]> {
  const session = openSession({
    ...opts,
    timeoutMs: Math.min(opts.timeoutMs, CLEANUP_MS),
    connectTimeoutMs: Math.min(opts.connectTimeoutMs, CLEANUP_MS),
  });
  const notes: string[] = [];
  try {
    for (const step of steps) {
      const missing = unknownNames(step, vars);
      if (missing.length) {
        notes.push(`cleanup "${step.name}" skipped: ${missing.map((n) => `{{${n}}}`).join(", ")} never extracted`);
        continue;
      }
      const r = await runStep(session, step, vars, hidden);
      if (r.failure) notes.push(`cleanup "${step.name}" failed: ${describeFailure(r.failure)}`);
    }
  } finally {
    await session.close();
  }
  return notes;
}

interface StepOutcome {
  status?: number;
  firstByteMs?: number;
  failure?: Failure;
}

async function runStep(session: ApiSession, step: StepConfig, vars: Vars, hidden: string[]): Promise<StepOutcome> {
  const missing = unknownNames(step, vars);
  if (missing.length) {
    return {
      failure: {
        kind: "assertion",
        assertion: "values from earlier steps",
        expected: missing.map((n) => `{{${n}}}`).join(", "),
        found: "not extracted by any earlier step",
      },
    };
  }
  const url = fillUrl(step.url, vars);
  const headers: Record<string, string> = { "user-agent": "hotdash-ops-probe" };
  for (const [k, v] of Object.entries(step.headers)) headers[k.toLowerCase()] = fill(v, vars, raw);
  let body: string | undefined;
  if (step.body !== undefined && step.method !== "GET" && step.method !== "HEAD") {
    const json = looksLikeJson(step.body);
    body = fill(step.body, vars, json ? jsonText : raw);
    if (json && !headers["content-type"]) headers["content-type"] = "application/json";
  }
  const out = await session.request({ method: step.method, url, headers, ...(body !== undefined && { body }) });
  if (!out.ok) return { failure: out.failure };
  const res = out.response;
  const base = { status: res.status, firstByteMs: res.firstByteMs };
  const status = checkStatus(res.status, step.expect.status);
  if (status) {
    const credentials = Object.keys(step.headers).some((k) => CREDENTIAL_HEADER.test(k));
    const auth = (res.status === 401 || res.status === 403) && credentials;
    return {
      ...base,
      failure: auth
        ? { kind: "auth", status: res.status, detail: "the service refused the configured credentials" }
        : status,
    };
  }
  const failure = checkHeaders(res.headers, step.expect.headers) ?? checkBody(res.text, step.expect);
  if (failure) return { ...base, failure };
  const extracted = extract(step, res);
  if ("failure" in extracted) return { ...base, failure: extracted.failure };
  for (const [name, { value, secret }] of extracted.values) {
    vars.set(name, value);
    if (secret && value) hidden.push(value, encodeURIComponent(value), jsonText(value));
  }
  return base;
}

function extract(
  step: StepConfig,
  res: ApiResponse,
): { values: Array<[string, { value: string; secret: boolean }]> } | { failure: Failure } {
  const values: Array<[string, { value: string; secret: boolean }]> = [];
  let doc: unknown;
  let parsed = false;
  for (const [name, how] of Object.entries(step.extract)) {
    if ("header" in how) {
      const v = headerValue(res.headers, how.header);
      if (v === undefined)
        return {
          failure: {
            kind: "assertion",
            assertion: `extract ${name}`,
            expected: `header ${how.header}`,
            found: "absent",
          },
        };
      values.push([name, { value: v, secret: how.secret }]);
      continue;
    }
    if (!parsed) {
      try {
        doc = JSON.parse(res.text);
      } catch {
        return {
          failure: {
            kind: "invalid-json",
            detail: `extract ${name}: the answer is not JSON (${res.text.length} characters)`,
          },
        };
      }
      parsed = true;
    }
    let got;
    try {
      got = lookupJsonPath(doc, parseJsonPath(how.json));
    } catch (error) {
      return {
        failure: {
          kind: "assertion",
          assertion: `extract ${name}`,
          expected: "a valid JSON path",
          found: (error as Error).message,
        },
      };
    }
    if (!got.found || got.value === null)
      return {
        failure: {
          kind: "assertion",
          assertion: `extract ${name}`,
          expected: `a value at ${how.json}`,
          found: got.found ? "null" : "missing",
        },
      };
    const value = typeof got.value === "string" ? got.value : JSON.stringify(got.value);
    values.push([name, { value, secret: how.secret }]);
  }
  return { values };
}

function fill(text: string, vars: Vars, encode: (v: string) => string): string {
  return text.replace(TEMPLATE, (_m, name: string) => encode(vars.get(name) ?? ""));
}

/**
 * A URL that is one `{{name}}` (an absolute Location) is used as it is. Elsewhere in a URL a value
 * is percent-encoded except for "/", so an id stays one segment or query value ("&", "?", "#"
 * cannot add parameters) while a path such as a relative Location still reads as a path.
 */
function fillUrl(url: string, vars: Vars): string {
  const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(url.trim());
  return whole ? (vars.get(whole[1]!) ?? "") : fill(url, vars, (v) => encodeURIComponent(v).replace(/%2F/gi, "/"));
}

const raw = (v: string) => v;
/** Inside a JSON body a value is escaped as JSON string content (quotes and backslashes), so it cannot break the document. */
function jsonText(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

function looksLikeJson(text: string): boolean {
  const c = text.trimStart()[0];
  return c === "{" || c === "[";
}

function hideText(text: string, hidden: readonly string[]): string {
  let out = text;
  for (const h of [...hidden].sort((a, b) => b.length - a.length)) if (h) out = out.split(h).join("***");
  return out;
}

/** Extracted values marked `secret` (a session token) are hidden in every text field of the failure. */
function hide(failure: Failure, hidden: readonly string[]): Failure {
  if (!hidden.length) return failure;
  return Object.fromEntries(
    Object.entries(failure).map(([k, v]) => [k, typeof v === "string" ? hideText(v, hidden) : v]),
  ) as Failure;
}
