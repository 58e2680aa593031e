import { eastAsianWidth } from "get-east-asian-width";

/**
 * How many terminal columns a text takes, for lining up the fleet table: string-width's rules
 * (test/cli/width.test.ts holds the two together) without its start-up cost. string-width builds an
 * Intl.Segmenter and an RGI_Emoji regex when it loads, about 75 ms on Node 24 before the first
 * table is printed; here printable ASCII is its length, and anything else is cut into grapheme
 * clusters by Unicode's rules (UAX #29) and measured as string-width measures a cluster.
 */
export function displayWidth(text: string): number {
  const plain = text.includes("\u001b") || text.includes("\u009b") ? text.replace(ANSI, "") : text;
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const cluster of clusters(plain)) width += clusterWidth(cluster);
  return width;
}

/** A cluster's columns: none when nothing in it is visible, two for an emoji, else East Asian width. */
function clusterWidth(cluster: string[]): number {
  const start = cluster.findIndex((c) => !INVISIBLE.test(c));
  if (start === -1) return 0;
  if (isEmoji(cluster)) return 2;
  const visible = cluster.slice(start);
  const cps = visible.map((c) => c.codePointAt(0)!);
  if (["L", "V", "T"].includes(kind(cps[0]!)))
    return jamoWidth(visible.filter((c) => !INVISIBLE.test(c)).map((c) => c.codePointAt(0)!));
  let width = eastAsianWidth(cps[0]!);
  // Spacing marks and halfwidth forms after the base take columns of their own (ﾞ, ी).
  for (const [i, c] of visible.entries())
    if (i > 0 && (SPACING_MARK.test(c) || (cps[i]! >= 0xff00 && cps[i]! <= 0xffef))) width += eastAsianWidth(cps[i]!);
  return width;
}

/** What string-width counts two columns wide as an emoji (RGI, and unqualified ZWJ or keycap sequences). */
function isEmoji(cluster: string[]): boolean {
  const [first = "", second, third] = cluster;
  if (cluster.length === 1) return EMOJI_PRESENTATION.test(first) && !isRegional(first);
  if (cluster.includes("\u200d")) return cluster.filter((c) => PICTOGRAPHIC.test(c)).length >= 2;
  if (KEYCAP_BASE.test(first))
    return (second === "\u20e3" && cluster.length === 2) || (second === "\ufe0f" && third === "\u20e3" && !cluster[3]);
  if (cluster.length !== 2 || !second) return false;
  if (second === "\ufe0f") return EMOJI.test(first) && !isRegional(first) && !SKIN_TONE.test(first);
  if (SKIN_TONE.test(second)) return MODIFIER_BASE.test(first);
  if (isRegional(first)) return rgiFlag().test(first + second);
  return false;
}

/** Conjoining jamo: a leading consonant and a vowel (and a final) make one block of two columns. */
function jamoWidth(cps: number[]): number {
  let width = 0;
  for (let i = 0; i < cps.length; i++) {
    const k = kind(cps[i]!);
    if (k !== "L" && k !== "V" && k !== "T") {
      // A precomposed syllable after jamo: it and the rest are measured as they are.
      for (const cp of cps.slice(i)) width += eastAsianWidth(cp);
      return width;
    }
    if (k === "L" && kind(cps[i + 1] ?? 0) === "V") {
      width += 2;
      i += kind(cps[i + 2] ?? 0) === "T" ? 2 : 1;
    } else width += eastAsianWidth(cps[i]!);
  }
  return width;
}

type Kind = "CR" | "LF" | "Control" | "Extend" | "ZWJ" | "RI" | "Prepend" | "SpacingMark" | Jamo | "Other";
type Jamo = "L" | "V" | "T" | "LV" | "LVT";

/** Grapheme clusters (UAX #29's extended clusters, Unicode 15.1), as Intl.Segmenter cuts them. */
function* clusters(text: string): Generator<string[]> {
  let cluster: string[] = [];
  let prev: Kind | undefined;
  let regional = 0;
  /** An emoji, then extenders, then a joiner: the next pictograph joins (GB11). */
  let emojiJoin: "emoji" | "zwj" | undefined;
  /** A consonant, then a virama: the next consonant joins the conjunct (GB9c). */
  let conjunct: "consonant" | "linked" | undefined;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const k = kind(cp);
    const pictographic = PICTOGRAPHIC.test(char);
    const consonant = INDIC_CONSONANT.test(char);
    if (
      prev !== undefined &&
      breaks(prev, k, regional, emojiJoin === "zwj" && pictographic, conjunct === "linked" && consonant)
    ) {
      yield cluster;
      cluster = [];
      regional = 0;
    }
    cluster.push(char);
    regional = k === "RI" ? regional + 1 : 0;
    emojiJoin = pictographic
      ? "emoji"
      : emojiJoin === "emoji" && k === "Extend"
        ? "emoji"
        : emojiJoin === "emoji" && k === "ZWJ"
          ? "zwj"
          : undefined;
    conjunct = consonant
      ? "consonant"
      : conjunct && LINKERS.has(cp)
        ? "linked"
        : conjunct && (k === "Extend" || k === "ZWJ")
          ? conjunct
          : undefined;
    prev = k;
  }
  if (cluster.length) yield cluster;
}

function breaks(prev: Kind, next: Kind, regional: number, emojiJoins: boolean, conjunctJoins: boolean): boolean {
  if (prev === "CR" && next === "LF") return false;
  if (prev === "CR" || prev === "LF" || prev === "Control") return true;
  if (next === "CR" || next === "LF" || next === "Control") return true;
  if (prev === "L" && (next === "L" || next === "V" || next === "LV" || next === "LVT")) return false;
  if ((prev === "LV" || prev === "V") && (next === "V" || next === "T")) return false;
  if ((prev === "LVT" || prev === "T") && next === "T") return false;
  if (next === "Extend" || next === "ZWJ" || next === "SpacingMark" || prev === "Prepend") return false;
  if (conjunctJoins || emojiJoins) return false;
  if (prev === "RI" && next === "RI") return regional % 2 === 0;
  return true;
}

function kind(cp: number): Kind {
  if (cp === 0x0d) return "CR";
  if (cp === 0x0a) return "LF";
  if (cp === 0x200d) return "ZWJ";
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return "RI";
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0xa960 && cp <= 0xa97c)) return "L";
  if ((cp >= 0x1160 && cp <= 0x11a7) || (cp >= 0xd7b0 && cp <= 0xd7c6)) return "V";
  if ((cp >= 0x11a8 && cp <= 0x11ff) || (cp >= 0xd7cb && cp <= 0xd7fb)) return "T";
  if (cp >= 0xac00 && cp <= 0xd7a3) return (cp - 0xac00) % 28 === 0 ? "LV" : "LVT";
  const char = String.fromCodePoint(cp);
  if (EXTEND.test(char)) return "Extend";
  if (PREPEND.test(char)) return "Prepend";
  if (CONTROL.test(char)) return "Control";
  if (SPACING_MARK.test(char) || cp === 0x0e33 || cp === 0x0eb3) return "SpacingMark";
  return "Other";
}

const isRegional = (c: string) => (c.codePointAt(0) ?? 0) >= 0x1f1e6 && (c.codePointAt(0) ?? 0) <= 0x1f1ff;

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
// CSI sequences (colours, cursor moves) and OSC strings (titles, hyperlinks), as strip-ansi removes them.
const ANSI =
  /\u001b\][\s\S]*?(?:\u0007|\u001b\u005c|\u009c)|[\u001b\u009b][[\]()#;?]*(?:\d{1,4}(?:[;:]\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~]/g;
/** What takes no column at all (string-width's zero-width characters). */
const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Cs}]$/u;
const EXTEND = /^[\p{Grapheme_Extend}\p{Emoji_Modifier}]$/u;
const PREPEND =
  /^[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u{110bd}\u{110cd}\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}]$/u;
const CONTROL = /^(?:[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?=\p{Cn})\p{Default_Ignorable_Code_Point})$/u;
const SPACING_MARK = /^\p{Mc}$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const EMOJI = /^\p{Emoji}$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const MODIFIER_BASE = /^\p{Emoji_Modifier_Base}$/u;
const SKIN_TONE = /^\p{Emoji_Modifier}$/u;
const KEYCAP_BASE = /^[\d#*]$/;
/** Consonants of the scripts whose viramas link conjuncts (Devanagari to Malayalam; GB9c). */
const INDIC_CONSONANT =
  /^(?=\p{Lo})[\u0915-\u0939\u0958-\u095f\u0978-\u097f\u0995-\u09b9\u09dc-\u09df\u09f0\u09f1\u0a95-\u0ab9\u0af9\u0b15-\u0b39\u0b5c-\u0b5f\u0b71\u0c15-\u0c39\u0c58-\u0c5a\u0d15-\u0d3a]$/u;
/** Those viramas (Indic_Conjunct_Break=Linker). */
const LINKERS = new Set([0x094d, 0x09cd, 0x0acd, 0x0b4d, 0x0c4d, 0x0d4d]);

let flags: RegExp | undefined;
/** Built on first use: the `v` flag's string properties cost a few ms. */
function rgiFlag(): RegExp {
  // biome-ignore lint/complexity/useRegexLiterals: a literal with the v flag needs an ES2024 target (tsconfig has ES2023).
  flags ??= new RegExp("^\\p{RGI_Emoji_Flag_Sequence}$", "v");
  return flags;
}
