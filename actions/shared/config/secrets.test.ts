import { describe, expect, it } from "vitest";
import { createRedactor, resolveSecrets, shortSecrets } from "./secrets.ts";

describe("secrets", () => {
  it("resolves ${NAME} references deeply and collects every missing one", () => {
    const r = createRedactor();
    const probe = {
      url: "https://x.test/${PATH_TOKEN}",
      headers: { a: "Bearer ${TOKEN}", b: "${NOPE}" },
      list: ["${ALSO_NOPE}"],
    };
    expect(resolveSecrets(probe, { TOKEN: "abcd1234", PATH_TOKEN: "p-secret" }, r)).toEqual({
      ok: false,
      missing: ["ALSO_NOPE", "NOPE"],
    });
    expect(resolveSecrets({ h: "Bearer ${TOKEN}" }, { TOKEN: "abcd1234" }, r)).toEqual({
      ok: true,
      value: { h: "Bearer abcd1234" },
    });
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
    for (const leaked of ["db-7f3a", "admin_user", "0123456789abcdefghij", "mcp.private.example", "hunter2pass"])
      expect(scrubbed).not.toContain(leaked);
    expect(scrubbed).toContain("DNS lookup of *** failed");
  });

  it("leaves loopback addresses and short path segments readable", () => {
    const r = createRedactor();
    resolveSecrets("${LOCAL}", { LOCAL: "http://127.0.0.1:8080/health" }, r);
    expect(r.scrub("connection refused by 127.0.0.1:9999 on /health")).toBe(
      "connection refused by 127.0.0.1:9999 on /health",
    );
  });

  it("hides every form a secret takes in output", () => {
    const secret = 'p@ss "wörd"\\/+x=';
    const r = createRedactor();
    r.add(secret);
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURI(secret),
      new URLSearchParams({ q: secret }).toString().slice(2),
      JSON.stringify(secret),
      JSON.stringify(JSON.stringify(secret)),
      JSON.stringify(secret).replace(/ö/, "\\u00f6"),
      Buffer.from(secret).toString("base64"),
      Buffer.from(`user:${secret}`).toString("base64"),
      Buffer.from(`ab:${secret}`).toString("base64url"),
      encodeURIComponent(secret).toLowerCase(),
    ];
    for (const f of forms) {
      const out = r.scrub(`before ${f} after`);
      expect(out, f).toMatch(/^before .*\*\*\*.* after$/);
      // What is left around the mask is the encoding of "user:" / "ab:" and a partial last group.
      expect(out.replace(/^before |\*\*\*| after$/g, "").length, `${f} → ${out}`).toBeLessThanOrEqual(12);
    }
  });

  it("hides a piece of a secret left at a cut, never ordinary text", () => {
    const r = createRedactor();
    r.add("R0UT1NGK3Y-very-secret-0123456789");
    expect(r.scrub("PagerDuty: answered 400 (invalid key R0UT1NGK3Y-ve)")).toBe(
      "PagerDuty: answered 400 (invalid key ***)",
    );
    expect(r.scrub('in "xxxxR0UT1NGK3Y-very-secr…"')).toBe('in "xxxx***…"');
    expect(r.scrub("…et-0123456789 was refused")).toBe("…*** was refused");
    expect(r.scrub("R0UT1N is a word, R0UT1NGK3 too")).toBe("R0UT1N is a word, R0UT1NGK3 too");
  });

  it("refuses secrets shorter than 4 characters, naming them", () => {
    const r = createRedactor();
    const out = resolveSecrets({ a: "${SHORT}", b: "${LONG}" }, { SHORT: "abc", LONG: "abcd" }, r);
    expect(out).toEqual({
      ok: false,
      missing: ["SHORT (shorter than 4 characters, which cannot be hidden in output; set a longer value)"],
    });
    expect(
      shortSecrets(
        { services: [{ probe: { token: "${SHORT}", other: "${LONG}", unset: "${UNSET}" } }] },
        { SHORT: "abc", LONG: "abcd" },
      ),
    ).toEqual(["secret SHORT (shorter than 4 characters, which cannot be hidden in output; set a longer value)"]);
  });
});
