import type { GroupConfig, OpsConfig, ServiceConfig, ThresholdsConfig } from "./schema/index.ts";
import { formatDuration } from "./schema/units.ts";
import { describeValue, problem, type PathSegment, type Problem } from "./errors.ts";
import { checkIdsAndReferences } from "./checks-ids.ts";
import { checkEscalation, checkMaintenance, checkSchedule } from "./checks-time.ts";
import { checkSecretRefs } from "./checks-refs.ts";
import { checkNotificationRoutes } from "./checks-notify.ts";
import { checkExchange, checkSteps } from "./checks-http.ts";

/**
 * Rules zod cannot express because they span several places: unique ids, group members that
 * exist, quorums a group can reach, thresholds in the right order, rollbacks that fit the probe.
 * Pure: config in, problems out. Errors make the config invalid; warnings are printed but the
 * run goes on.
 */
export interface CheckResult {
  errors: Problem[];
  warnings: Problem[];
}

export function checkConfig(config: OpsConfig): CheckResult {
  const out: CheckResult = { errors: [], warnings: [] };
  out.errors.push(...checkIdsAndReferences(config));
  config.groups.forEach((g, gi) => checkQuorum(g, gi, out));
  const disabled = new Set(config.services.filter((s) => !s.enabled).map((s) => s.id));
  config.groups.forEach((g, gi) =>
    g.members.forEach((m, mi) => {
      if (disabled.has(m))
        out.errors.push(
          problem(
            ["groups", gi, "members", mi],
            "an enabled service",
            `"${m}" (enabled: false)`,
            "a disabled service is never probed, so the group could not count it",
          ),
        );
    }),
  );
  checkThresholds(config.defaults.thresholds, ["defaults", "thresholds"], out);
  config.services.forEach((s, i) => checkService(config.defaults.timeout, s, i, out));
  config.maintenance.forEach((w, i) => checkMaintenance(w, i, out));
  checkEscalation(
    config.incidents.escalation.map((l, i) => [l, i] as const),
    out,
  );
  checkSchedule(config.schedule, out);
  checkSecretRefs(config, out);
  checkNotificationRoutes(config.notifications, out);
  return out;
}

/** A quorum the group `groups[gi]` can reach. */
export function checkQuorum(g: GroupConfig, gi: number, out: CheckResult): void {
  const { green, yellow } = g.quorum;
  if (yellow > green) {
    out.errors.push(
      problem(
        ["groups", gi, "quorum", "yellow"],
        `at most quorum.green (${green})`,
        String(yellow),
        "yellow needs fewer members up than green",
      ),
    );
  }
  if (green > g.members.length) {
    out.errors.push(
      problem(
        ["groups", gi, "quorum", "green"],
        `at most the number of members (${g.members.length})`,
        String(green),
        "the group could never be green",
      ),
    );
  }
}

/** Yellow must sit between green and red, in each metric's own direction. */
export function checkThresholds(t: ThresholdsConfig, at: PathSegment[], out: CheckResult): void {
  if (t.latency && t.latency.yellow >= t.latency.red) {
    const { yellow, red } = t.latency;
    out.errors.push(
      problem(
        [...at, "latency", "yellow"],
        `less than red (${formatDuration(red)})`,
        formatDuration(yellow),
        "higher latency is worse, so yellow comes first",
      ),
    );
  }
  if (t.successRate && t.successRate.yellow <= t.successRate.red) {
    const { yellow, red } = t.successRate;
    out.errors.push(
      problem(
        [...at, "successRate", "yellow"],
        `more than red (${red} %)`,
        `${yellow} %`,
        "a lower success rate is worse, so yellow is the higher number",
      ),
    );
  }
  if (t.certDays && t.certDays.yellow <= t.certDays.red) {
    const { yellow, red } = t.certDays;
    out.errors.push(
      problem([...at, "certDays", "yellow"], `more days than red (${red})`, String(yellow), "fewer days left is worse"),
    );
  }
  const v = t.value;
  if (v) {
    if (v.yellow === undefined && v.red === undefined) {
      out.errors.push(problem([...at, "value"], "yellow, red or both", describeValue({ direction: v.direction })));
    } else if (v.yellow !== undefined && v.red !== undefined) {
      const wrong = v.direction === "above" ? v.yellow >= v.red : v.yellow <= v.red;
      if (wrong) {
        const rel = v.direction === "above" ? "less than" : "more than";
        out.errors.push(
          problem([...at, "value", "yellow"], `${rel} red (${v.red}) for direction "${v.direction}"`, String(v.yellow)),
        );
      }
    }
  }
}

/** Probe kinds that read a number for `thresholds.value` (see probe/result.ts `Sample.value`). */
const VALUE_PROBES = new Set(["postgres", "prometheus", "domain"]);
/** A Fly rollback redeploys an app; a database probe has no app behind it. */
const FLY_ROLLBACK_PROBES = new Set(["http", "fly", "mcp", "prometheus"]);

/**
 * The checks within one service, `services[i]`. `defaultTimeout` is `defaults.timeout`, or
 * undefined when `defaults` itself is invalid (an inherited timeout is then not compared).
 */
export function checkService(defaultTimeout: number | undefined, s: ServiceConfig, i: number, out: CheckResult): void {
  const at: PathSegment[] = ["services", i];
  checkThresholds(s.thresholds, [...at, "thresholds"], out);
  const type = s.probe.type;
  const readsValue =
    VALUE_PROBES.has(type) ||
    (s.probe.type === "http" && s.probe.value !== undefined) ||
    (s.probe.type === "google-analytics" && s.probe.quota !== undefined);
  if (s.thresholds.value && !readsValue) {
    const hint =
      type === "http"
        ? "an http probe reads a value only with probe.value ({ header: NAME } or { json: PATH })"
        : undefined;
    out.errors.push(
      problem(
        [...at, "thresholds", "value"],
        "a probe that reads a value (postgres, prometheus, domain, google-analytics with quota, or http with probe.value)",
        `probe type "${type}"`,
        hint,
      ),
    );
  }
  if (s.probe.type === "http") checkExchange(s.probe, [...at, "probe"], out);
  if (s.probe.type === "steps") checkSteps(s.probe, [...at, "probe"], out);
  if (
    (type === "prometheus" || type === "domain" || (s.probe.type === "http" && s.probe.value)) &&
    !s.thresholds.value
  ) {
    out.warnings.push(
      problem(
        [...at, "thresholds"],
        `thresholds.value for a ${type} probe that reads a value`,
        "none",
        "the value is recorded but never rated",
      ),
    );
  }
  // Only an explicit connectTimeout is wrong here: an inherited one is simply capped by timeout.
  const timeout = s.timeout ?? defaultTimeout;
  if (s.connectTimeout !== undefined && timeout !== undefined && s.connectTimeout > timeout) {
    const expected = `at most the service's timeout (${formatDuration(timeout)})`;
    out.errors.push(problem([...at, "connectTimeout"], expected, formatDuration(s.connectTimeout)));
  }
  const rb = s.rollback;
  if (!rb) return;
  if (rb.provider === "fly") {
    if (!FLY_ROLLBACK_PROBES.has(type)) {
      out.errors.push(
        problem(
          [...at, "rollback"],
          "a service probed by http, fly, mcp or prometheus (a deployed app)",
          `probe type "${type}"`,
        ),
      );
    }
    const host = flyHost(s);
    if (host && host !== rb.app) {
      out.warnings.push(problem([...at, "rollback", "app"], `the app the probe checks ("${host}")`, `"${rb.app}"`));
    }
  } else {
    try {
      new RegExp(rb.targetPattern);
    } catch (e) {
      out.errors.push(
        problem(
          [...at, "rollback", "targetPattern"],
          "a valid regular expression",
          `${JSON.stringify(rb.targetPattern)} (${(e as Error).message})`,
        ),
      );
    }
  }
}

/** The Fly app a probe checks, when that can be read off the config. */
function flyHost(s: ServiceConfig): string | undefined {
  if (s.probe.type === "fly") return s.probe.app;
  if (s.probe.type !== "http" && s.probe.type !== "mcp") return undefined;
  return /^https?:\/\/([a-z0-9-]+)\.fly\.dev(?:[:/]|$)/.exec(s.probe.url)?.[1];
}
