import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpProbe } from "../../actions/shared/probe/http.ts";
import { checkJson } from "../../actions/shared/probe/http/assertions.ts";
import { lookupJsonPath, parseJsonPath } from "../../actions/shared/probe/json-path.ts";
import { percentile, summarize } from "../../actions/shared/probe/stats.ts";
import { startHttp, type TestServer } from "./server.ts";
import { deps, httpConfig, opts } from "./helpers.ts";

const health = {
  status: "ok",
  version: "1.4.2",
  uptime: 3600,
  checks: [{ name: "db", state: "up", latency: 12 }],
  tools: ["search", "fetch"],
  meta: { "x.y": true, none: null },
};

describe("JSON paths", () => {
  it("parses keys, indexes and quoted keys", () => {
    expect(parseJsonPath("checks[0].state")).toEqual(["checks", 0, "state"]);
    expect(parseJsonPath('meta["x.y"]')).toEqual(["meta", "x.y"]);
    expect(parseJsonPath("[1]")).toEqual([1]);
  });

  it("rejects malformed paths with a message that shows the right form", () => {
    expect(() => parseJsonPath("checks[0")).toThrow(/missing "\]".*checks\[0\]\.state/);
    expect(() => parseJsonPath("a..b")).toThrow(/empty key/);
    expect(() => parseJsonPath("a[x]")).toThrow(/neither an index nor a quoted key/);
  });

  it("tells a missing value from a null one", () => {
    expect(lookupJsonPath(health, ["meta", "none"])).toEqual({ found: true, value: null });
    expect(lookupJsonPath(health, ["meta", "gone"])).toEqual({ found: false });
    expect(lookupJsonPath(health, ["checks", 3])).toEqual({ found: false });
    expect(lookupJsonPath(health, ["status", "length"])).toEqual({ found: false });
  });
});

describe("JSON assertions", () => {
  const fails = (a: Parameters<typeof checkJson>[1]) => checkJson(health, a);

  it("equals compares exactly, type included", () => {
    expect(fails({ path: "status", equals: "ok" })).toBeUndefined();
    expect(fails({ path: "uptime", equals: "3600" })).toEqual({
      kind: "assertion",
      assertion: "json uptime equals",
      expected: '"3600"',
      found: "3600",
    });
    expect(fails({ path: "meta.none", equals: null })).toBeUndefined();
    expect(fails({ path: "nope", equals: 1 })).toMatchObject({ found: "missing" });
  });

  it("contains looks into strings and arrays", () => {
    expect(fails({ path: "version", contains: "1.4" })).toBeUndefined();
    expect(fails({ path: "tools", contains: "search" })).toBeUndefined();
    expect(fails({ path: "tools", contains: "write" })).toEqual({
      kind: "assertion",
      assertion: "json tools contains",
      expected: '"write"',
      found: '["search","fetch"]',
    });
    expect(fails({ path: "uptime", contains: 36 })).toMatchObject({ assertion: "json uptime contains" });
  });

  it("exists checks presence and absence", () => {
    expect(fails({ path: 'meta["x.y"]', exists: true })).toBeUndefined();
    expect(fails({ path: "meta.none", exists: true })).toBeUndefined();
    expect(fails({ path: "error", exists: false })).toBeUndefined();
    expect(fails({ path: "status", exists: false })).toEqual({
      kind: "assertion",
      assertion: "json status exists",
      expected: "absent",
      found: '"ok"',
    });
  });

  it("number comparisons combine their bounds", () => {
    expect(fails({ path: "checks[0].latency", lt: 100, gte: 0 })).toBeUndefined();
    expect(fails({ path: "checks[0].latency", lte: 12, gt: 12 })).toEqual({
      kind: "assertion",
      assertion: "json checks[0].latency compare",
      expected: "<= 12 and > 12",
      found: "12",
    });
    expect(fails({ path: "version", gt: 1 })).toMatchObject({ expected: "a number > 1", found: '"1.4.2"' });
  });

  it("a malformed path is a failed assertion, not a crash", () => {
    expect(fails({ path: "checks[", exists: true })).toMatchObject({
      kind: "assertion",
      expected: "a valid JSON path",
    });
  });
});

describe("JSON assertions over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startHttp((_req, res) =>
      res.setHeader("content-type", "application/json").end(JSON.stringify(health)),
    );
  });
  afterAll(() => server.close());

  it("all assertions must hold; the first that fails is the reason", async () => {
    const json = [
      { path: "status", equals: "ok" },
      { path: "tools", contains: "fetch" },
      { path: "checks[0].state", exists: true },
      { path: "uptime", gt: 7200 },
    ];
    const sample = await httpProbe(httpConfig({ url: server.url, expect: { json } }), opts(), deps());
    expect(sample.failure).toEqual({
      kind: "assertion",
      assertion: "json uptime compare",
      expected: "> 7200",
      found: "3600",
    });
    const passing = await httpProbe(
      httpConfig({ url: server.url, expect: { json: json.slice(0, 3) } }),
      opts(),
      deps(),
    );
    expect(passing.ok).toBe(true);
  });
});

describe("percentiles (nearest rank)", () => {
  it("returns observed values", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(summarize([300, 100, 200])).toEqual({ p50: 200, p95: 300, p99: 300, max: 300 });
    expect(percentile([], 50)).toBeUndefined();
    expect(summarize([])).toEqual({});
  });
});
