import { describe, expect, it } from "vitest";
import { createRedactor } from "../../actions/shared/config/secrets.ts";
import { MAX_FIELD_CHARS, scrubFailure, scrubText } from "../../actions/shared/probe/redact.ts";

const SECRET = "tok en/with+plus";
const redactor = () => {
  const r = createRedactor();
  r.add(SECRET);
  return r;
};

describe("scrubText", () => {
  it("hides the plain, component-encoded, path-encoded and form-encoded forms", () => {
    const r = redactor();
    expect(scrubText(`a ${SECRET} b`, r)).toBe("a *** b");
    expect(scrubText(`q=${encodeURIComponent(SECRET)}`, r)).toBe("q=***");
    expect(scrubText(`/p/${new URL(`http://x/${SECRET}`).pathname.slice(1)}`, r)).toBe("/p/***");
    expect(scrubText(`q=${new URLSearchParams({ q: SECRET }).toString().slice(2)}`, r)).toBe("q=***");
  });

  it("leaves text without secrets alone, even when it has escapes", () => {
    expect(scrubText("100% sure, a+b, %zz", redactor())).toBe("100% sure, a+b, %zz");
  });

  it("scrubs before it shortens, so no prefix of a secret survives a cut", () => {
    const text = `${"x".repeat(MAX_FIELD_CHARS - 5)}${SECRET}${"y".repeat(50)}`;
    const out = scrubText(text, redactor());
    expect(out.length).toBe(MAX_FIELD_CHARS);
    expect(out).not.toContain("tok");
  });

  it("covers every string field of a failure", () => {
    expect(
      scrubFailure(
        { kind: "assertion", assertion: `json ${SECRET}`, expected: SECRET, found: encodeURIComponent(SECRET) },
        redactor(),
      ),
    ).toEqual({
      kind: "assertion",
      assertion: "json ***",
      expected: "***",
      found: "***",
    });
  });
});
