import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, buildSiteFiles } from "../../actions/report/site/build.ts";
import { readSiteData } from "../../actions/report/site/read.ts";
import { generateStatusSchema, STATUS_SCHEMA_FILE } from "../../actions/report/site/status-schema.ts";
import { validateConfig } from "../../actions/shared/config/load.ts";
import { OpsConfig } from "../../actions/shared/config/schema/index.ts";
import { main } from "../../scripts/cli/main.ts";
import { buildSiteFixture, HOSTILE, type SiteFixture } from "../../scripts/bench/site-fixture.ts";

/**
 * The status site built from a fixture history (a year, 30 services, incidents with public
 * updates), checked file by file: sizes, bars, escaping, feeds through a real feed parser,
 * status.json against its committed schema, the stale banner and the `site:` config.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const silent = { info: () => {}, warn: () => {} };
let fx: SiteFixture;
let out: string;
let files: string[];
const read = (name: string) => readFile(join(out, name), "utf8");

beforeAll(async () => {
  fx = await buildSiteFixture();
  out = join(fx.dir, "_site");
  files = (await buildSite({ config: fx.config, dataDir: fx.dir, outDir: out, now: fx.now, log: silent })).files;
});
afterAll(() => rm(fx.dir, { recursive: true, force: true }));

describe("the status site from a year of history", () => {
  it("has a page per service and per incident, the feeds and status.json", () => {
    expect(files.filter((f) => f.startsWith("services/"))).toHaveLength(30);
    expect(files.filter((f) => f.startsWith("incidents/")).sort()).toEqual([
      "incidents/2026-05-06-svc-05-up-p95-above-800-ms.html",
      "incidents/2026-11-18-svc-03-up-connection-refused.html",
      "incidents/2026-11-22-svc-01-down-timeout-after-10-s.html",
    ]);
    expect(files).toEqual(
      expect.arrayContaining([
        "index.html",
        "incidents.html",
        "feed.atom",
        "feed.rss",
        "feed.json",
        "status.json",
        ".nojekyll",
      ]),
    );
  });

  it("keeps the home page under 150 KB with 90 daily bars per service", async () => {
    const home = await read("index.html");
    expect(Buffer.byteLength(home)).toBeLessThan(150 * 1024);
    const strips = [...home.matchAll(/<div class="strip" role="img" aria-label="([^"]*)">(.*?)<\/div>/g)];
    expect(strips).toHaveLength(30);
    for (const [, label, bars] of strips) {
      expect(bars!.match(/<i[ >]/g)).toHaveLength(90);
      expect(label).toMatch(/daily uptime, 2026-08-25 to 2026-11-22: \d+ of 90 days at 100%/);
    }
    // Tooltips say date, uptime and incidents; the day svc-01's incident began says so.
    expect(home).toMatch(/title="2026-11-22: \d+(\.\d\d)?% uptime, 1 incident"/);
    expect(home).toContain('class="banner o-major"');
    expect(home).toContain("Major outage");
    expect(home).toMatch(/MCP servers<\/strong>: 7\/7 operational/);
  });

  it("escapes text from services and comments everywhere", async () => {
    for (const name of files.filter((f) => /\.(html|atom|rss|json)$/.test(f))) {
      const text = await read(name);
      expect(text, name).not.toContain("<script>alert");
      expect(text, name).not.toContain("<img src=x");
      expect(text, name).not.toContain("<b>not bold</b>");
    }
    const page = await read("incidents/2026-11-22-svc-01-down-timeout-after-10-s.html");
    expect(page).toContain(
      "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;",
    );
    expect(await read("index.html")).toContain("timeout after 10 s (total) &lt;b&gt;not bold&lt;/b&gt;");
  });

  it("shows an incident with its updates, newest first, and one known only from its record", async () => {
    const page = await read("incidents/2026-11-22-svc-01-down-timeout-after-10-s.html");
    const phases = [...page.matchAll(/<span class="phase">(\w+)<\/span>/g)].map((m) => m[1]);
    expect(phases).toEqual(["Identified", "Investigating"]);
    expect(page).toContain("P0");
    expect(page).toMatch(/ongoing for 1 h 15 min/);
    const old = await read("incidents/2026-05-06-svc-05-up-p95-above-800-ms.html");
    expect(old).toContain("Slow queries | fixed with an index");
    expect(old).toContain("1 h 15 min");
    const list = await read("incidents.html");
    expect(list).toContain("2026-11-18-svc-03");
    expect(list).not.toContain("2026-05-06-svc-05"); // older than 90 days
    expect(list).toMatch(/Maintenance now<\/h2><ul><li><strong>Service 07<\/strong>: database upgrade/);
    expect(list).toMatch(
      /Upcoming maintenance<\/h2><ul><li><strong>Service 08<\/strong>: weekly patching, <time datetime="2026-11-29T01:00:00.000Z">/,
    );
  });

  it("draws the response-time chart with a legend, axis labels and the numbers as a table", async () => {
    const page = await read("services/svc-02.html");
    expect(page).toMatch(/<svg viewBox="0 0 720 260" role="img"/);
    expect(page).toContain("Response time (ms)");
    expect(page).toContain("p95 (solid orange)");
    expect(page.match(/<tr><td>2026-\d\d-\d\d<\/td>/g)).toHaveLength(90);
    expect(page.match(/<div class="strip"/g)).toHaveLength(4);
    expect(page.match(/<i[ >]/g)!.length).toBeGreaterThanOrEqual(365);
    expect(page).toMatch(/<th scope="row">Last 365 days<\/th><td class="n">\d+\.\d\d%/);
  });

  it("writes feeds a feed parser reads, with the public updates as entries", async () => {
    const atom = parseAtomFeed(await read("feed.atom"));
    const rss = parseRssFeed(await read("feed.rss"));
    const json = parseJsonFeed(JSON.parse(await read("feed.json")));
    const titles = atom.entries!.map((e) => e.title?.value);
    expect(titles).toContain("Identified: Service 01 (production) down");
    expect(titles).toContain("Incident resolved: Service 03 (production) down");
    expect(titles).toContain("Resolved: Service 03 (production) down");
    expect(rss.items!.map((i) => i.title)).toEqual(titles);
    expect(json.items!.map((i) => i.title)).toEqual(titles);
    const hostile = atom.entries!.find((e) => e.title?.value?.startsWith("Identified"));
    expect(hostile?.summary?.value).toBe(`A bad deploy; rolling back. ${HOSTILE}`);
    expect(json.items![0]!.content_text).toBe(`A bad deploy; rolling back. ${HOSTILE}`);
    // Newest first; ids stable and unique.
    const times = json.items!.map((i) => Date.parse(String(i.date_published)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(json.items!.map((i) => i.id)).size).toBe(json.items!.length);
  });

  it("writes status.json that validates against the committed schema", async () => {
    const committed = await readFile(join(ROOT, STATUS_SCHEMA_FILE), "utf8");
    expect(committed, "docs/status.schema.json is stale: run npm run schema").toBe(generateStatusSchema());
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(committed));
    const doc = JSON.parse(await read("status.json"));
    expect(validate(doc), ajv.errorsText(validate.errors)).toBe(true);
    expect(doc.services).toHaveLength(30);
    expect(doc.incidents.map((i: { id: string; state: string }) => `${i.id} ${i.state}`)).toEqual([
      "2026-11-22-svc-01-down-timeout-after-10-s open",
      "2026-11-18-svc-03-up-connection-refused resolved",
    ]);
    expect(validate({ ...doc, overall: { status: "fine" } })).toBe(false);
  });
});

describe("stale data, config and determinism", () => {
  it("marks the data stale after three schedule intervals, in the page and in status.json", async () => {
    const data = await readSiteData(fx.config, fx.dir, fx.now, silent);
    const fresh = buildSiteFiles(fx.config, data, Date.parse("2026-11-22T16:32:00Z"));
    const stale = buildSiteFiles(fx.config, data, Date.parse("2026-11-22T16:34:00Z"));
    expect(fresh.get("index.html")).toMatch(
      /<p class="stale" id="stale" role="status" data-stale-after="2026-11-22T16:33:00.000Z" hidden>/,
    );
    expect(stale.get("index.html")).toMatch(
      /<p class="stale" id="stale" role="status" data-stale-after="2026-11-22T16:33:00.000Z"><strong>Stale data/,
    );
    expect(JSON.parse(fresh.get("status.json")!).stale).toBe(false);
    expect(JSON.parse(stale.get("status.json")!).stale).toBe(true);
    // Without script the time of the data is still there.
    expect(fresh.get("index.html")).toContain(
      'As of <time datetime="2026-11-22T16:18:00.000Z">2026-11-22 16:18 UTC</time>',
    );
  });

  it("shows only the services and environments the site: block names, with its title, logo and base URL", async () => {
    const config = OpsConfig.parse({
      ...fx.config,
      site: {
        title: "HotDash <status>",
        baseUrl: "https://status.example.test/ops",
        logo: "logo.svg",
        services: ["svc-03", "svc-01", "svc-04"],
        environments: ["production"],
      },
    });
    const data = await readSiteData(config, fx.dir, fx.now, silent);
    const built = buildSiteFiles(config, data, fx.now);
    const home = built.get("index.html")!;
    expect([...home.matchAll(/<div class="svc" id="svc-([\w-]+)">/g)].map((m) => m[1])).toEqual(["svc-03", "svc-01"]);
    expect(home).toContain("<title>HotDash &lt;status&gt;: Major outage</title>");
    expect(home).toContain('<img src="logo.svg" alt="">');
    expect([...built.keys()].filter((k) => k.startsWith("incidents/"))).toHaveLength(2);
    const atom = parseAtomFeed(built.get("feed.atom")!);
    expect(atom.entries![0]!.links![0]!.href).toMatch(
      /^https:\/\/status\.example\.test\/ops\/incidents\/2026-11-22-svc-01/,
    );
  });

  it("rejects a site: block naming an unknown service, with a suggestion", () => {
    const result = validateConfig({
      services: [{ id: "chatwoot", name: "Chatwoot", probe: { type: "http", url: "https://x.test/" } }],
      site: { services: ["chatwot"], baseUrl: "not a url" },
    });
    expect(result.ok).toBe(false);
    const messages = (result.ok ? [] : result.problems).map((p) => `${p.path.join(".")}: ${p.message}`);
    expect(messages).toContain(
      'site.services.0: expected the id of a service or group, found "chatwot" — did you mean "chatwoot"?',
    );
    expect(messages).toContain('site.baseUrl: expected an http(s) URL, found "not a url"');
  });

  it("builds the same bytes from the same data, and replaces only a folder it built", async () => {
    const data = await readSiteData(fx.config, fx.dir, fx.now, silent);
    const a = buildSiteFiles(fx.config, data, fx.now);
    const b = buildSiteFiles(fx.config, await readSiteData(fx.config, fx.dir, fx.now, silent), fx.now);
    expect([...b.entries()]).toEqual([...a.entries()]);
    const foreign = await mkdtemp(join(tmpdir(), "not-a-site-"));
    await writeFile(join(foreign, "README.md"), "keep me");
    await expect(
      buildSite({ config: fx.config, dataDir: fx.dir, outDir: foreign, now: fx.now, log: silent }),
    ).rejects.toThrow(/is not empty and was not built by "ops site"/);
    expect(await readdir(foreign)).toEqual(["README.md"]);
    await rm(foreign, { recursive: true, force: true });
  });

  it("builds through `ops site` with --data, --out and --now", async () => {
    const cfg = join(fx.dir, "ops.config.yml");
    await writeFile(
      cfg,
      JSON.stringify({
        title: "CLI site",
        services: fx.config.services
          .slice(0, 3)
          .map((s) => ({
            id: s.id,
            name: s.name,
            environment: s.environment,
            criticality: s.criticality,
            probe: { type: "http", url: "http://127.0.0.1:9/" },
          })),
      }),
    );
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const code = await main(
      ["site", "--config", cfg, "--data", fx.dir, "--out", "cli-site", "--now", "2026-11-22T16:20:00Z"],
      { env: {}, cwd: fx.dir, io },
    );
    expect(code, lines.join("")).toBe(0);
    expect(lines.join("")).toMatch(/wrote 12 files/);
    expect(await readFile(join(fx.dir, "cli-site", "index.html"), "utf8")).toContain("<title>CLI site:");
  });
});
