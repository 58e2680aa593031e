import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import { HOSTILE } from "../../../test/hostile.ts";
import { fencedBlock, htmlText, inlineMarkdown, plainText, slackText } from "./inert.ts";

const ZWJ = /\u200D/g;

function html(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
}

/** The text a reader sees, tags removed and entities decoded. */
function visible(rendered: string): string {
  return rendered
    .replace(/<[^>]+>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(ZWJ, "")
    .trim();
}

/** Elements the system itself puts around the text; anything else came from the service. */
function tags(rendered: string): string[] {
  return [...rendered.matchAll(/<\/?([a-z0-9-]+)/gi)].map((m) => m[1]!.toLowerCase());
}

describe("inlineMarkdown", () => {
  for (const hostile of HOSTILE) {
    it(`keeps ${JSON.stringify(hostile.slice(0, 40))} inert in a paragraph, a list and a table`, () => {
      const inline = inlineMarkdown(hostile);
      expect(inline).not.toContain("\n");
      expect(inline).not.toMatch(/<!--|<[a-z!/]/i);
      expect(inline.replace(ZWJ, "").length).toBeLessThanOrEqual(300 * 5);

      const para = html(`Reason: ${inline}`);
      expect(new Set(tags(para))).toEqual(new Set(["p"]));
      // GitHub finds mentions, issue references and bare links in the text: none may form.
      const seen = para.replace(/<[^>]+>/g, "");
      expect(seen).not.toMatch(/(^|[^\w\u200D])@\w/);
      expect(seen).not.toMatch(/#\d/);
      expect(seen).not.toMatch(/:\/\/|\bwww\./i);

      const list = html(`- a: ${inline}\n- b: after`);
      expect(tags(list).filter((t) => t === "li")).toHaveLength(4);
      expect(new Set(tags(list))).toEqual(new Set(["ul", "li"]));

      const table = html(
        `| Service | Reason | Next |\n|---|---|---|\n| svc | ${inlineMarkdown(hostile)} | x |\n| two | fine | y |`,
      );
      expect(tags(table).filter((t) => t === "td")).toHaveLength(6 * 2);
      expect(tags(table).filter((t) => t === "tr")).toHaveLength(3 * 2);
      expect(new Set(tags(table))).toEqual(new Set(["table", "thead", "tbody", "tr", "th", "td"]));

      // Still readable: the reader sees the service's words (on one line, bounded), whole, in
      // the paragraph and in its own table cell.
      const oneLine = hostile
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/g, " ")
        .replace(/\s+/g, " ")
        .trim();
      const expected = oneLine.length <= 300 ? oneLine : `${oneLine.slice(0, 299)}…`;
      expect(visible(para).replace(/^Reason: /, "")).toBe(expected);
      const cells = [...table.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => visible(m[1]!));
      expect(cells).toEqual(["svc", expected, "x", "two", "fine", "y"]);
    });
  }

  it("leaves ordinary reasons exactly as they were", () => {
    for (const reason of [
      "unexpected status 503 (expected 2xx)",
      "timeout after 10 s (total)",
      "tls: expired CERT_HAS_EXPIRED (certificate CN=x)",
      "p95 912 ms above 800 ms",
    ]) {
      expect(inlineMarkdown(reason)).toBe(reason);
    }
  });

  it("bounds to the given length, never splitting a surrogate pair", () => {
    expect(inlineMarkdown("abcdef", { max: 4 })).toBe("abc…");
    const out = inlineMarkdown(`${"a".repeat(8)}😀😀`, { max: 10 });
    expect(out).toBe(`${"a".repeat(8)}…`);
  });
});

describe("fencedBlock", () => {
  for (const hostile of HOSTILE) {
    it(`fences ${JSON.stringify(hostile.slice(0, 40))} so nothing escapes the block`, () => {
      const block = fencedBlock(hostile, { info: "text" });
      const rendered = html(`${block}\n\nafter`);
      expect(tags(rendered)).toEqual(["pre", "code", "code", "pre", "p", "p"]);
      expect(rendered.endsWith("<p>after</p>")).toBe(true);
    });
  }
  it("picks a fence longer than any backtick run", () => {
    expect(fencedBlock("a ````` b").startsWith("``````\n")).toBe(true);
    expect(fencedBlock("plain", { info: "text`x" })).toBe("```textx\nplain\n```");
  });
});

describe("slackText", () => {
  for (const hostile of HOSTILE) {
    it(`keeps ${JSON.stringify(hostile.slice(0, 40))} from pinging or linking in Slack`, () => {
      const out = slackText(hostile);
      expect(out).not.toMatch(/[<>\n]/);
      expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(out).not.toMatch(/@(channel|here|everyone)\b/);
      expect(out).not.toMatch(/@\w/);
    });
  }
});

describe("plainText", () => {
  for (const hostile of HOSTILE) {
    it(`keeps ${JSON.stringify(hostile.slice(0, 40))} from mentioning in Teams, Discord or PagerDuty`, () => {
      const out = plainText(hostile);
      expect(out).not.toMatch(/\n|<[@#!&]|@\w/);
      expect(out.length).toBeLessThanOrEqual(400);
      expect(out).not.toMatch(/[\u0000-\u001f\u202e]/);
    });
  }
});

describe("htmlText", () => {
  for (const hostile of HOSTILE) {
    it(`escapes ${JSON.stringify(hostile.slice(0, 40))} for HTML`, () => {
      const out = htmlText(hostile);
      expect(out).not.toMatch(/[<>"'`]/);
      expect(out).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;|#96;)/);
    });
  }
});
