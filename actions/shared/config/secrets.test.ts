import { describe, expect, it } from "vitest";
import { createRedactor, resolveSecrets } from "./secrets.ts";

describe("secrets", () => {
  it("resolves ${NAME} references deeply and collects every missing one", () => {
    const r = createRedactor();
    const probe = { url: "https://x.test/${PATH_TOKEN}", headers: { a: "Bearer ${TOKEN}", b: "${NOPE}" }, list: ["${ALSO_NOPE}"] };
    expect(resolveSecrets(probe, { TOKEN: "abcd1234", PATH_TOKEN: "p-secret" }, r)).toEqual({ ok: false, missing: ["ALSO_NOPE", "NOPE"] });
    expect(resolveSecrets({ h: "Bearer ${TOKEN}" }, { TOKEN: "abcd1234" }, r)).toEqual({ ok: true, value: { h: "Bearer abcd1234" } });
    expect(r.scrub("sent Bearer abcd1234")).toBe("sent Bearer ***");
  });

  it("an empty variable counts as missing", () => {
    expect(resolveSecrets("${EMPTY}", { EMPTY: "" }, createRedactor())).toEqual({ ok: false, missing: ["EMPTY"] });
  });

  it("hides the pieces of a URL secret that error messages quote: host, user, password, token-like path", () => {
    const r = createRedactor();
    resolveSecrets("${DB}", { DB: "postgres://admin_user:hunter2pass@db-7f3a.internal.example:5432/app" }, r);
    resolveSecrets("${MCP}", { MCP: "https://mcp.private.example/s/0123456789abcdefghij/mcp" }, r);
    const text = [
      "DNS lookup of db-7f3a.internal.example failed (ENOTFOUND)",
      "connection refused by db-7f3a.internal.example:5432",
      'password authentication failed for user "admin_user"',
      "POST /s/0123456789abcdefghij/mcp answered 404",
      "DNS lookup of mcp.private.example failed",
    ].join("\n");
    const scrubbed = r.scrub(text);
    for (const leaked of ["db-7f3a", "admin_user", "0123456789abcdefghij", "mcp.private.example", "hunter2pass"]) expect(scrubbed).not.toContain(leaked);
    expect(scrubbed).toContain("DNS lookup of *** failed");
  });

  it("leaves loopback addresses and short path segments readable", () => {
    const r = createRedactor();
    resolveSecrets("${LOCAL}", { LOCAL: "http://127.0.0.1:8080/health" }, r);
    expect(r.scrub("connection refused by 127.0.0.1:9999 on /health")).toBe("connection refused by 127.0.0.1:9999 on /health");
  });
});
