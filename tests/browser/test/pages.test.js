// Every page of the built site in headless Chromium: zero axe-core violations, no sideways
// scrolling at 320 px, no request leaving the site; representative pages of each kind also at
// desktop width and in dark mode, with screenshots saved for review.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, axe, horizontalOverflow, watchExternal, artifact } from "../lib/browser.js";
import fs from "node:fs";
import path from "node:path";
import { pages, representatives, serveSite, siteDir } from "../lib/site.js";

const all = pages();
const reps = representatives(all);
let server, browser;

before(async () => {
  server = await serveSite();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the build has every page kind the theme designs", () => {
  const kinds = new Set(all.map((p) => p.kind));
  const expected = ["home", "section", "guidance", "checklist", "legal", "act", "practice", "recommendation", "tracker", "glossary", "term", "taxonomy-list", "taxonomy-term", "changes", "search", "404"];
  // The saved-pages page exists when offline copies are on (site.yaml `offline`).
  if (fs.existsSync(path.join(siteDir(), "sw.js"))) expected.push("offline");
  for (const k of expected) {
    assert.ok(kinds.has(k), `no page of kind ${k} in the build (kinds: ${[...kinds].join(", ")})`);
  }
});

async function visitAll(list, { width, colorScheme, javaScriptEnabled = true }) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme, javaScriptEnabled, serviceWorkers: "block" });
  const outside = watchExternal(context, server.url);
  const page = await context.newPage();
  const problems = [];
  for (const p of list) {
    const res = await page.goto(server.url + p.url, { waitUntil: "load" });
    const expected = p.kind === "404" ? 404 : 200;
    if (res.status() !== expected) problems.push(`${p.url}: HTTP ${res.status()}`);
    const v = await axe(page);
    for (const x of v) problems.push(`${p.url} [${width}px ${colorScheme}] ${x.id} (${x.impact}): ${x.help}\n    ${x.nodes.join("\n    ")}`);
    const o = await horizontalOverflow(page);
    if (o.over > 0) problems.push(`${p.url} [${width}px] scrolls sideways by ${o.over}px: ${o.culprits.join(", ")}`);
  }
  await context.close();
  return { problems, outside };
}

test("every page: no axe violations and no horizontal scroll at 320 px, nothing fetched from outside", { timeout: 30 * 60_000 }, async () => {
  const list = process.env.WAYMARK_BROWSER_ALL === "0" ? reps : all;
  const { problems, outside } = await visitAll(list, { width: 320, colorScheme: "light" });
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.deepEqual(outside, [], "requests left the site");
});

test("each page kind in dark mode at 320 px and at desktop width in both schemes", { timeout: 10 * 60_000 }, async () => {
  const found = [];
  for (const [width, colorScheme] of [[320, "dark"], [1280, "light"], [1280, "dark"]]) {
    const { problems, outside } = await visitAll(reps, { width, colorScheme });
    found.push(...problems, ...outside.map((u) => `request left the site: ${u}`));
  }
  assert.deepEqual(found, [], found.join("\n"));
});

test("screenshots of each page kind at phone and desktop width", { timeout: 10 * 60_000 }, async () => {
  for (const [width, height] of [[320, 640], [1280, 900]]) {
    for (const colorScheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme, serviceWorkers: "block" });
      const page = await context.newPage();
      for (const p of reps) {
        await page.goto(server.url + p.url);
        const name = `${p.kind}-${width}${colorScheme === "dark" ? "-dark" : ""}`;
        await page.screenshot({ path: artifact(`${name}.png`), fullPage: colorScheme === "light" });
      }
      await context.close();
    }
  }
});
