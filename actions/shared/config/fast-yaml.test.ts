import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { fastParse } from "./fast-yaml.ts";
import { loadConfig } from "./load.ts";

const SERVICE = `  - id: api\n    name: API\n    probe: { type: http, url: "http://127.0.0.1:9/health" }\n`;
const yamlOf = (text: string) => parse(text, { merge: true, uniqueKeys: true }) as unknown;

/** The fast parser either gives exactly yaml's value, or gives up (and yaml reads the text). */
function agrees(text: string): void {
  let expected: unknown;
  let threw = false;
  try {
    expected = yamlOf(text);
  } catch {
    threw = true;
  }
  const fast = fastParse(text);
  if (threw) expect(fast, text).toBeUndefined();
  else if (fast !== undefined) expect(fast, text).toEqual(expected);
}

describe("fastParse reads what yaml reads", () => {
  const scalars = [
    "0o17",
    "0x1F",
    "1_000",
    "012",
    "09",
    ".inf",
    "-.Inf",
    ".NaN",
    "1e3",
    "1e+3",
    "+12",
    "-0",
    "0.5e-3",
    ".5",
    "5.",
    "2026-01-01",
    "12:30:00",
    "1:30",
    "~",
    "null",
    "Null",
    "",
    "TRUE",
    "True",
    "yes",
    "on",
    "off",
    "0b101",
    "'quoted'",
    '"\\u00e9 \\t"',
    "a #not a comment",
    "800ms",
    "${SECRET}",
    "https://x.test/a?b=c#d",
    "a: b",
    "[a, b]: c",
    "@x",
    "`x",
    "- a",
    "? a",
    "it's",
    "'it''s'",
  ];
  for (const scalar of scalars) {
    it(`the scalar ${JSON.stringify(scalar)}`, () => {
      agrees(`v: ${scalar}\n`);
      agrees(`list: [${scalar || "~"}]\n`);
      agrees(`map: { k: ${scalar} }\n`);
    });
  }

  it("block scalars, anchors without aliases, trailing commas, multi-line plain scalars", () => {
    const text = `x-probe: &p { type: http, timeout: 2s, }\nservices:\n  - id: a\n    note: |\n      two\n      lines\n    folded: >-\n      one\n      line\n    plain: one\n      two\n`;
    expect(fastParse(text)).toBeDefined();
    expect(fastParse(text)).toEqual(yamlOf(text));
  });

  it("the default config", () => {
    const text = readFileSync(new URL("../../../ops.config.yml", import.meta.url), "utf8");
    expect(fastParse(text)).toBeDefined();
    expect(fastParse(text)).toEqual(yamlOf(text));
  });

  it("leaves to yaml what it could read differently or not at all", () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n`;
    for (const text of [
      bomb,
      "%YAML 1.2\n---\nv: 1\n",
      "v: !!str 1\n",
      "v: !custom 1\n",
      "a: 1\na: 2\n",
      "a: [1, 2\n",
      "? [a]\n: 1\n",
      "a: &x 1\nb: *x\n",
      "x: &p { a: 1 }\ny: { <<: *p, b: 2 }\n",
    ]) {
      expect(fastParse(text), text).toBeUndefined();
    }
  });
});

describe("loadConfig gives the same answer through the fast path", () => {
  const cases: Record<string, string> = {
    "a valid config": `services:\n${SERVICE}`,
    "anchors and merge keys": `x-probe: &p { type: http, timeout: 2s }\nservices:\n  - id: api\n    name: API\n    probe: { <<: *p, url: "http://127.0.0.1:9/" }\n`,
    "schema errors (placed at line:column)": `services:\n${SERVICE}    samples: "three"\n  - id: API\n`,
    "warnings (placed at line:column)": `services:\n${SERVICE}    owners: [REPLACE_WITH_LOGIN]\n`,
    "a duplicate key": `title: a\nservices:\n${SERVICE}title: b\n`,
    "an unresolved alias": "services: *fleet\n",
    "an alias bomb": `x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nx-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nx-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nx-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nx-e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nservices:\n${SERVICE}`,
    "an empty document": "",
    "the default config": readFileSync(new URL("../../../ops.config.yml", import.meta.url), "utf8"),
  };
  for (const [name, text] of Object.entries(cases)) {
    it(name, () => {
      const slow = loadConfig("ops.config.yml", text, { fastYamlMinBytes: Infinity });
      const fast = loadConfig("ops.config.yml", text, { fastYamlMinBytes: 0 });
      expect(fast).toEqual(slow);
    });
  }

  it("a large fleet takes the fast path by default, with the same config", () => {
    const services = Array.from(
      { length: 800 },
      (_, i) =>
        `  - { id: s${i}, name: "Service ${i}", probe: { type: http, url: "http://127.0.0.1:9/${i}", expect: { status: [200] } }, thresholds: { latency: { yellow: 500ms, red: 2s } } }`,
    );
    const text = `services:\n${services.join("\n")}\n`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    const fast = loadConfig("ops.config.yml", text);
    expect(fast.ok).toBe(true);
    expect(fast).toEqual(loadConfig("ops.config.yml", text, { fastYamlMinBytes: Infinity }));
  });
});
