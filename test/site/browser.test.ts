import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM as CHROMIUM_TOOL, provisionDebian, skipWithout } from "../servers/provision.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite } from "../../actions/report/site/build.ts";
import { buildSiteFixture, type SiteFixture } from "../../scripts/bench/site-fixture.ts";
import { serveFolder, type Served } from "../../scripts/demo/serve.ts";

/**
 * The site in a real browser: Debian's chromium driven by playwright-core, the build served on
 * loopback. Checks the banner, 90 bars per service, an incident page with its public updates, the
 * stale banner (by moving the reader's clock), dark mode, a mobile width, and axe-core with no
 * serious or critical violation. Screenshots go to test-artifacts/site/ (gitignored).
 */
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts/site");
// Debian's chromium, installed once when missing (as root); otherwise one loud line and a skip,
// and under CI a failure.
const found = await provisionDebian(CHROMIUM_TOOL);
const present = !skipWithout(found, "test/site/browser.test.ts");
const CHROMIUM = found.ok ? found.path : "";

let fx: SiteFixture;
let served: Served;
let base = "";
let browser: BrowserContext;
let profile = "";

beforeAll(async () => {
  if (!present) return;
  fx = await buildSiteFixture();
  const out = join(fx.dir, "_site");
  await buildSite({
    config: fx.config,
    dataDir: fx.dir,
    outDir: out,
    now: fx.now,
    log: { info: () => {}, warn: () => {} },
  });
  served = await serveFolder(out);
  base = served.url.replace(/\/$/, "");
  profile = await mkdtemp(join(tmpdir(), "site-chromium-"));
  // A fresh profile folder per run (Playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  await mkdir(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  if (!present) return;
  await browser?.close();
  await served?.close();
  await rm(profile, { recursive: true, force: true });
  await rm(fx.dir, { recursive: true, force: true });
});

async function open(
  path: string,
  options: { colorScheme?: "light" | "dark"; width?: number; now?: number } = {},
): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: options.width ?? 1100, height: 900 });
  await page.emulateMedia({ colorScheme: options.colorScheme ?? "light" });
  // The reader's clock: just after the build unless a test moves it.
  await page.clock.install({ time: options.now ?? fx.now + 60_000 });
  await page.goto(`${base}/${path}`);
  return page;
}

const axeSource = () => readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await axeSource() });
  // Expressions as strings: this file is type-checked without the DOM library.
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as {
    violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }>;
  };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 2).map((n) => n.target))}`);
}

describe.skipIf(!present)("the status site in chromium", () => {
  it("shows the banner and 90 daily bars per service, with tooltips", async () => {
    const page = await open("index.html");
    await expect(page.locator(".banner").textContent()).resolves.toContain("Major outage");
    const strips = page.locator(".svc .strip");
    expect(await strips.count()).toBe(30);
    const counts = await strips.evaluateAll((els) => els.map((e) => e.querySelectorAll("i").length));
    expect(new Set(counts)).toEqual(new Set([90]));
    expect(await page.locator("#svc-svc-01 .strip i").last().getAttribute("title")).toMatch(
      /^2026-11-22: .*1 incident$/,
    );
    expect(await page.locator("#stale").isHidden()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "home-light.png"), fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it("shows an incident page with its public updates, escaped", async () => {
    const page = await open("incidents.html");
    await page.getByRole("link", { name: "Service 01 (production) down" }).first().click();
    await page.waitForURL(/incidents\/2026-11-22-svc-01/);
    const updates = page.locator(".updates li");
    expect(await updates.count()).toBe(2);
    expect(await updates.first().locator(".phase").textContent()).toBe("Identified");
    expect(await updates.first().locator(".upd-text").textContent()).toContain('<script>alert("pwned")</script>');
    // The hostile text stayed text: no script ran, no image element was made from it.
    expect(await page.locator(".upd-text img, .upd-text script").count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it("shows the stale banner when the reader's clock is past three schedule intervals", async () => {
    const page = await open("index.html", { now: fx.now + 60 * 60_000 });
    expect(await page.locator("#stale").isVisible()).toBe(true);
    expect(await page.locator("#stale").textContent()).toContain("Stale data.");
    await page.close();
    // Without script (the page's one script removed on the way), the time of the data still shows.
    const noScript = await browser.newPage();
    await noScript.route(`${base}/index.html`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: (await res.text()).replace(/<script>[\s\S]*?<\/script>/g, "") });
    });
    await noScript.clock.install({ time: fx.now + 60 * 60_000 });
    await noScript.goto(`${base}/index.html`);
    expect(await noScript.locator("#stale").isHidden()).toBe(true);
    expect(await noScript.locator(".banner time").textContent()).toBe("2026-11-22 16:18 UTC");
    await noScript.close();
  });

  it("follows the reader's dark mode and fits a phone's width", async () => {
    const dark = await open("index.html", { colorScheme: "dark" });
    const bg = await dark.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(bg).toBe("rgb(13, 17, 23)");
    await dark.screenshot({ path: join(ARTIFACTS, "home-dark.png") });
    expect(await seriousViolations(dark)).toEqual([]);
    await dark.close();
    const light = await open("index.html");
    expect(await light.evaluate("getComputedStyle(document.body).backgroundColor")).toBe("rgb(255, 255, 255)");
    await light.close();
    const phone = await open("services/svc-02.html", { width: 375 });
    const overflow = (await phone.evaluate(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    )) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(ARTIFACTS, "service-mobile.png"), fullPage: false });
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.close();
  });

  it("passes axe on the incidents list and a service page in dark mode", async () => {
    for (const path of ["incidents.html", "services/svc-01.html"]) {
      const page = await open(path, { colorScheme: "dark" });
      expect(await seriousViolations(page), path).toEqual([]);
      await page.close();
    }
  });
});
