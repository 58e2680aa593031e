import { afterEach, describe, expect, it } from "vitest";
import { OPERATIONS } from "./operations.ts";
import { deploymentRoutes } from "./routes/deployments.ts";
import { environmentRoutes } from "./routes/environments.ts";
import { issueRoutes } from "./routes/issues.ts";
import { startGitHubServer, type GitHubServer } from "./server.ts";
import { githubSpec, uncheckedSpec } from "./spec.ts";
import { issueJson } from "./state.ts";

/** The emulator's own checks can fail: drift from GitHub's OpenAPI description is caught. */
let gh: GitHubServer;
afterEach(() => gh.close());

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${gh.url}${path}`, { ...init, headers: { "content-type": "application/json", ...(init.headers ?? {}) } });

describe("GitHub emulator", () => {
  it("answers from the route table and checks requests and answers against the OpenAPI description", async () => {
    gh = await startGitHubServer();
    // The dev dependencies are installed for tests: checking is on, never silently off.
    expect(gh.validated).toBe(true);
    const created = await call("/repos/hotdash/ops/issues", {
      method: "POST",
      body: JSON.stringify({ title: "x", labels: ["incident"] }),
    });
    expect(created.status).toBe(201);
    expect(gh.violations).toEqual([]);

    await call("/repos/hotdash/ops/issues?state=bogus&colour=red");
    expect(gh.violations).toEqual([
      expect.stringMatching(/issues\/list-for-repo: query state=bogus: .*allowed values/),
      'issues/list-for-repo: query parameter "colour" is not in the description',
    ]);
    gh.violations.length = 0;

    await call("/repos/hotdash/ops/issues", {
      method: "POST",
      body: JSON.stringify({ body: "no title", labels: "incident" }),
    });
    expect(gh.violations.join("\n")).toMatch(/issues\/create request body\/ must have required property 'title'/);
    gh.violations.length = 0;

    await call("/repos/hotdash/ops/pulls");
    expect(gh.violations).toEqual(["no emulated operation for GET /repos/hotdash/ops/pulls"]);
  });

  it("catches an answer that drifts from the response schema", async () => {
    gh = await startGitHubServer({
      routes: [
        {
          operationId: "issues/list-milestones",
          handle: (ctx) => {
            const issue = issueJson(ctx.base, ctx.state, {
              number: 1,
              id: 1,
              title: "t",
              body: null,
              state: "open",
              stateReason: null,
              labels: [],
              assignees: [],
              user: "u",
              createdAt: "2026-11-22T16:00:00Z",
              updatedAt: "2026-11-22T16:00:00Z",
              closedAt: null,
              deleted: false,
            });
            return { status: 200, body: [{ ...issue, number: "one" }] };
          },
        },
      ],
    });
    await call("/repos/hotdash/ops/milestones");
    expect(gh.violations.length).toBeGreaterThan(0);
    expect(gh.violations.every((v) => v.startsWith("issues/list-milestones 200 response/0"))).toBe(true);
    expect(() => gh.addRoutes([{ operationId: "issues/no-such-thing", handle: () => ({ status: 200 }) }])).toThrow(
      /not an operation in GitHub's OpenAPI description/,
    );
  });

  it("pages with Link headers, and injects 5xx, secondary limits and slow answers", async () => {
    gh = await startGitHubServer({ token: "t0ken" });
    const auth = { authorization: "token t0ken" };
    for (let i = 0; i < 5; i++)
      await call("/repos/hotdash/ops/issues", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ title: `i${i}` }),
      });
    const page1 = await call("/repos/hotdash/ops/issues?per_page=2", { headers: auth });
    expect(page1.headers.get("link")).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/repos\/hotdash\/ops\/issues\?per_page=2&page=2>; rel="next", <.*page=3>; rel="last"/,
    );
    expect(((await page1.json()) as Array<{ title: string }>).map((i) => i.title)).toEqual(["i4", "i3"]);
    expect((await call("/repos/hotdash/ops/issues")).status).toBe(401);

    gh.faults.error({ match: "issues/get", status: 502 });
    gh.faults.secondaryLimit({ match: "issues/get", retryAfter: 7 });
    expect((await call("/repos/hotdash/ops/issues/1", { headers: auth })).status).toBe(502);
    const limited = await call("/repos/hotdash/ops/issues/1", { headers: auth });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([403, "7"]);
    expect((await call("/repos/hotdash/ops/issues/1", { headers: auth })).status).toBe(200);
    gh.faults.slow({ match: "issues/get", delayMs: 50 });
    expect((await call("/repos/hotdash/ops/issues/1", { headers: auth })).status).toBe(200);
    expect(gh.faults.pending()).toBe(0);

    gh.faults.error({ match: "POST", phase: "after" });
    expect(
      (
        await call("/repos/hotdash/ops/issues", {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ title: "lost" }),
        })
      ).status,
    ).toBe(500);
    expect([...gh.state.issues.values()].map((i) => i.title)).toContain("lost");
    expect(gh.violations).toEqual([]);
  });

  it("routes from its own table on a production install (no OpenAPI description, no Ajv); the table matches the description", async () => {
    const spec = await githubSpec();
    const served = [...issueRoutes, ...deploymentRoutes, ...environmentRoutes].map((r) => r.operationId);
    expect(Object.keys(OPERATIONS).sort()).toEqual([...new Set(served)].sort());
    for (const [id, { method, path }] of Object.entries(OPERATIONS))
      expect(spec.operation(id)).toMatchObject({ id, method, path });

    gh = await startGitHubServer({ spec: uncheckedSpec() });
    expect(gh.validated).toBe(false);
    expect(
      (await call("/repos/hotdash/ops/issues", { method: "POST", body: JSON.stringify({ title: "x" }) })).status,
    ).toBe(201);
    const listed = await call("/repos/hotdash/ops/issues?state=open");
    expect(((await listed.json()) as Array<{ title: string }>).map((i) => i.title)).toEqual(["x"]);
    expect(gh.violations).toEqual([]);
    expect(() => gh.addRoutes([{ operationId: "issues/list-milestones", handle: () => ({ status: 200 }) }])).toThrow(
      /not in emulators\/github\/operations\.ts.*npm install the dev dependencies/,
    );
  });
});
