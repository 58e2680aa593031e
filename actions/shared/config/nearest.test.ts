import { describe, expect, it } from "vitest";
import { editDistance, nearest } from "./nearest.ts";

describe("editDistance", () => {
  it("counts inserts, deletes and substitutions", () => {
    expect(editDistance("staus", "status")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
    expect(editDistance("wbe", "web")).toBe(1);
    expect(editDistance("ca", "abc")).toBe(3);
  });
});

describe("nearest", () => {
  const keys = ["status", "json", "contains", "notContains"];
  it("suggests the key one typo away", () => {
    expect(nearest("staus", keys)).toBe("status");
    expect(nearest("contians", keys)).toBe("contains");
    expect(nearest("notcontains", keys)).toBe("notContains");
  });
  it("suggests a longer key the word misspells the start of", () => {
    expect(nearest("statment", ["type", "url", "query", "tls", "statementTimeout"])).toBe("statementTimeout");
    expect(nearest("conn", ["connectTimeout"])).toBe("connectTimeout");
  });
  it("suggests nothing for a different word", () => {
    expect(nearest("tz", ["services", "weekly", "timezone", "reason"])).toBeUndefined();
    expect(nearest("latency", keys)).toBeUndefined();
  });
  it("prefers the closest candidate", () => {
    expect(nearest("htp", ["http", "fly", "mcp"])).toBe("http");
    expect(nearest("criticl", ["critical", "high", "medium", "low"])).toBe("critical");
  });
});
