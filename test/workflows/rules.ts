import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from "yaml";

/**
 * The hardening rules every workflow must follow (issue 5 §3), as one function a test runs over
 * every file in .github/workflows and over bad examples (so each rule is shown to fire).
 */
export const WRITERS_GROUP = "ops-writes";

export interface WriterJob {
  file: string;
  job: string;
  group?: string;
  cancelInProgress: boolean;
}

export interface Findings {
  problems: string[];
  /** Jobs granted `contents: write`, with the concurrency group they run in (checked across files). */
  writers: WriterJob[];
}

const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^\s*v\d+(\.\d+)*\b/;
/** Values an attacker can choose (issue titles, branch names, dispatch inputs) must not be spliced into a shell. */
const UNTRUSTED_IN_RUN = /\$\{\{[^}]*\b(inputs\.|github\.event\.|github\.head_ref)/;
const TO_JSON_SECRETS = /toJSON\s*\(\s*secrets\s*\)/i;
/** An install that would run dependencies' install scripts (in jobs that may hold a push token or secrets). */
const INSTALL = /\bnpm\s+(ci|install|i)\b[^\n]*/g;

export function checkWorkflow(text: string, file: string): Findings {
  const problems: string[] = [];
  const writers: WriterJob[] = [];
  const say = (where: string, what: string) => problems.push(`${file}: ${where}: ${what}`);
  const doc = parseDocument(text);
  if (doc.errors.length) return { problems: doc.errors.map((e) => `${file}: ${e.message}`), writers };

  // Values only (comments may mention the rule itself).
  if (TO_JSON_SECRETS.test(JSON.stringify(doc.toJS())))
    say("workflow", "toJSON(secrets) hands every secret to a step; pass secrets by name");
  const top = doc.get("permissions", true);
  if (!isMap(top) || top.items.length !== 0)
    say("permissions", "top-level `permissions: {}` expected (jobs grant what they need)");
  const topConcurrency = concurrencyOf(doc, []);

  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return { problems: [...problems, `${file}: jobs: expected a map`], writers };
  for (const pair of jobs.items) {
    const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const at = (p: string) => `jobs.${name}${p}`;
    const job = pair.value as YAMLMap;
    if (!isMap(job)) continue;
    if (!job.has("timeout-minutes")) say(at(""), "timeout-minutes missing (a hung job would run for 6 hours)");

    const perms = job.get("permissions", true);
    let writesContents = false;
    if (!isMap(perms)) say(at(".permissions"), "per-job permissions map expected, each with a comment saying why");
    else
      for (const p of perms.items) {
        const key = String(isScalar(p.key) ? p.key.value : p.key);
        const value = isScalar(p.value) ? String(p.value.value) : "";
        if (key === "contents" && value === "write") writesContents = true;
        const comment = (isScalar(p.value) && p.value.comment) || "";
        if (!comment.trim()) say(at(`.permissions.${key}`), `"${key}: ${value}" needs a # comment saying why`);
      }
    if (writesContents) {
      const c = job.has("concurrency") ? concurrencyOf(doc, ["jobs", name]) : topConcurrency;
      writers.push({ file, job: name, ...(c.group !== undefined && { group: c.group }), cancelInProgress: c.cancel });
    }

    const steps = job.get("steps", true);
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, i) => {
      if (!isMap(step)) return;
      const where = at(`.steps[${i}]`);
      const uses = step.get("uses", true);
      if (isScalar(uses)) {
        const ref = String(uses.value);
        if (!ref.startsWith("./")) {
          if (!SHA_PIN.test(ref)) say(where, `"${ref}" must be pinned to a full 40-character commit SHA`);
          else if (!VERSION_COMMENT.test(uses.comment ?? ""))
            say(where, `"${ref}" needs a version comment such as # v5.0.0`);
          if (ref.startsWith("actions/checkout@") && !writesContents && !persistFalse(step)) {
            say(where, "checkout in a job that does not push needs `persist-credentials: false`");
          }
        }
      }
      const run = step.get("run");
      if (typeof run === "string" && UNTRUSTED_IN_RUN.test(run)) {
        say(where, "inputs / github.event reach a run: script only through env:, never ${{ }} inside run:");
      }
      if (typeof run === "string") {
        for (const [line] of run.matchAll(INSTALL)) {
          if (!/--ignore-scripts\b/.test(line))
            say(where, `"${line.trim()}" needs --ignore-scripts (no dependency's install script runs next to a token)`);
        }
      }
    });
  }
  return { problems, writers };
}

/**
 * rollback.yml (issue 6) keeps its per-service group `rollback-<service>`: an approved rollback must
 * never sit pending behind monitor runs (GitHub cancels a pending job when a newer one queues in the
 * same group), nor pause monitoring for its up-to-45 minutes during an incident. It only adds new,
 * uniquely named files under reports/rollbacks/ through safeCommit (fetch + rebase + retry).
 */
const OWN_GROUP_WRITERS = new Set(["rollback.yml:rollback"]);

/** Writers across all files must share one group and never cancel each other. */
export function checkWriters(writers: readonly WriterJob[]): string[] {
  return writers.flatMap((w) => {
    const out: string[] = [];
    if (w.group !== WRITERS_GROUP && !OWN_GROUP_WRITERS.has(`${w.file}:${w.job}`))
      out.push(
        `${w.file}: jobs.${w.job}: writes to the repository, so it must run in concurrency group "${WRITERS_GROUP}" (found ${JSON.stringify(w.group)})`,
      );
    if (w.cancelInProgress)
      out.push(`${w.file}: jobs.${w.job}: cancel-in-progress would kill a run half way through its commit`);
    return out;
  });
}

function concurrencyOf(doc: Document, path: string[]): { group?: string; cancel: boolean } {
  const c = doc.getIn([...path, "concurrency"]);
  if (typeof c === "string") return { group: c, cancel: false };
  if (!c || typeof c !== "object") return { cancel: false };
  const node = doc.getIn([...path, "concurrency"], true) as YAMLMap;
  const group = node.get("group");
  const cancel = node.get("cancel-in-progress");
  return {
    ...(typeof group === "string" && { group }),
    cancel: cancel === true || (typeof cancel === "string" && cancel !== "false"),
  };
}

function persistFalse(step: YAMLMap): boolean {
  const w = step.get("with", true);
  return isMap(w) && w.get("persist-credentials") === false;
}
