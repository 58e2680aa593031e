import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

/** pages.yml: the Pages rights stay in the deploy job, and the build runs the same `ops site`. */
const wf = parse(readFileSync(resolve(import.meta.dirname, "../../.github/workflows/pages.yml"), "utf8"));

describe("pages.yml", () => {
  it("grants pages: write and id-token: write to the deploy job only", () => {
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries<{ permissions: Record<string, string> }>(wf.jobs)) {
      const special = Object.keys(job.permissions).filter((p) => p === "pages" || p === "id-token");
      expect(special, name).toEqual(name === "deploy" ? ["pages", "id-token"] : []);
    }
    expect(wf.jobs.deploy.environment.name).toBe("github-pages");
    expect(wf.jobs.build.permissions).toEqual({ contents: "read" });
  });

  it("deploys when reports or incidents change on the default branch, after monitor runs too", () => {
    expect(wf.on.push).toEqual({ branches: ["main"], paths: ["reports/**", "incidents/**", "ops.config.yml"] });
    expect(wf.on.workflow_run).toEqual({ workflows: ["monitor"], types: ["completed"], branches: ["main"] });
    expect(wf.jobs.deploy.if).toBe("needs.build.outputs.changed == 'true'");
  });

  it("builds with ops site and uploads that folder", () => {
    const steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> = wf.jobs.build.steps;
    expect(steps.some((s) => s.run === "npm run ops -- site --out _site")).toBe(true);
    expect(steps.find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"))?.with?.path).toBe("_site");
    expect(wf.jobs.deploy.steps[0].uses).toMatch(/^actions\/deploy-pages@[0-9a-f]{40}$/);
  });
});
