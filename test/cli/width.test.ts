import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { displayWidth } from "../../actions/shared/text/width.ts";
import { STATUS_EMOJI } from "../../actions/shared/status.ts";

/**
 * displayWidth (what the fleet table lines up with) against string-width, the package it replaces
 * at run time and keeps here as the oracle: every case must measure the same.
 */
const differences = (texts: Iterable<string>) =>
  [...texts].flatMap((t) =>
    displayWidth(t) === stringWidth(t) ? [] : [{ t, ours: displayWidth(t), oracle: stringWidth(t) }],
  );

describe("displayWidth measures as string-width does", () => {
  it("the table's own cells: statuses, reasons, names, colours", () => {
    const cells = [
      ...Object.values(STATUS_EMOJI).map((e) => `${e} status`),
      "p95 912 ms ≥ 800 ms",
      "unexpected status 503 (expected 2xx)",
      "@\u200dteam see https:\u200d//example.com #\u200d12",
      "\u001b[31m❌ down\u001b[0m",
      "\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007",
      "",
      "Ωmega café cafe\u0301 naïve",
    ];
    expect(differences(cells)).toEqual([]);
  });

  it("scripts and clusters: CJK, Hangul jamo, Indic conjuncts, combining marks, halfwidth forms", () => {
    const texts = [
      "日本語のサービス",
      "한국어",
      "\u1100\u1161\u11a8",
      "\u1100\u1161\u1161",
      "가\u11a8",
      "हिन्दी",
      "ক্ষ",
      "a\u094db",
      "ไทย ำ",
      "العربية \u0600١",
      "ｶﾞｷﾞ Ｆｕｌｌ",
      "x\u0301\u0302\u0303",
      "tab\there\r\nline",
      "a\u200bb\u00adc",
    ];
    expect(differences(texts)).toEqual([]);
  });

  it("emoji: presentation selectors, joiner sequences, skin tones, flags, keycaps, tags", () => {
    const texts = [
      "⚠️ ⚠︎ ⚠",
      "👨‍👩‍👧",
      "🏳️‍🌈",
      "❤‍🔥",
      "👍🏽 🏽",
      "🏃🏻‍♀️",
      "🧑🏽‍🤝‍🧑🏿",
      "🇫🇷🇩🇪 🇷🇫🇪",
      "1️⃣ #⃣ 1\ufe0f",
      "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}",
      "❔\u200d\u200d❤",
    ];
    expect(differences(texts)).toEqual([]);
  });

  it("every code point of the Basic Multilingual Plane and the emoji planes, alone", () => {
    const texts: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) texts.push(String.fromCodePoint(cp));
    for (let cp = 0x1f000; cp <= 0x1faff; cp++) texts.push(String.fromCodePoint(cp));
    expect(differences(texts)).toEqual([]);
  });

  it("every emoji with each selector, a skin tone, a joiner and a keycap mark", () => {
    const texts: string[] = [];
    for (let cp = 0; cp <= 0x1faff; cp++) {
      const e = String.fromCodePoint(cp);
      if (!/\p{Emoji}/u.test(e)) continue;
      texts.push(`${e}\ufe0f`, `${e}\ufe0e`, `${e}\u{1f3fd}`, `${e}\u200d\u{1f525}`, `${e}\ufe0f\u20e3`);
    }
    for (let a = 0x1f1e6; a <= 0x1f1ff; a++)
      for (let b = 0x1f1e6; b <= 0x1f1ff; b++) texts.push(String.fromCodePoint(a, b));
    expect(differences(texts)).toEqual([]);
  });

  it("random mixtures of the characters that combine (seeded, so a failure replays)", () => {
    const pool = [
      ..."a1#*é日한각가✅⚠❌❤☺👍👨👩💻🏳🌈♀🇫🇷🇩🇪हिन्दीক্ষাำ\u0600\u0301\u200d\u200c\ufe0f\ufe0e\u20e3\u200b\u00ad🏻ｶﾞＦ≥|\r\n\u1100\u1161\u11a8",
      "\u001b[31m",
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const texts: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let t = "";
      for (let n = 1 + Math.floor(random() * 8); n > 0; n--) t += pool[Math.floor(random() * pool.length)];
      texts.push(t);
    }
    expect(differences(texts)).toEqual([]);
  });
});
