// The search box finds a page: typed into the header of an ordinary page, submitted, and
// answered on the search page from the static index (no server API on a plain static host).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, axe, watchExternal } from "../lib/browser.js";
import fs from "node:fs";
import path from "node:path";
import { pages, representatives, serveSite, siteDir } from "../lib/site.js";

const all = pages();
const manifest = JSON.parse(fs.readFileSync(path.join(siteDir(), "manifest.json"), "utf8"));
// A plain static host answers searches from the build's static index only.
const noIndex = manifest.files.some((f) => f.path.startsWith("pagefind/"))
  ? false
  : "this build has no static search index (pagefind/), so a static host cannot answer searches";
const reps = representatives(all);
let server, browser, page, outside;

before(async () => {
  server = await serveSite();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 320, height: 700 }, serviceWorkers: "block" });
  outside = watchExternal(context, server.url);
  page = await context.newPage();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function searchFor(query) {
  await page.goto(server.url + reps.find((p) => p.kind === "home").url);
  await page.fill("#site-search", query);
  await page.press("#site-search", "Enter");
  await page.waitForURL(/\/search\/\?q=/);
  const results = "#search-results a, main [class*=result] a";
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, results, { timeout: 20_000 });
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((a) => new URL(a.href).pathname), results);
}

test("searching for a page's title finds that page", { timeout: 60_000, skip: noIndex }, async () => {
  const target = reps.find((p) => p.kind === "guidance");
  const title = (await (await fetch(server.url + target.url)).text()).match(/<h1[^>]*>([^<]+)<\/h1>/)[1];
  const found = await searchFor(title);
  assert.ok(found.includes("/" + target.url), `"${title}" found ${found.join(", ")}`);
  assert.deepEqual(await axe(page), [], "the results page is accessible");
});

test("a citation shorthand finds its legal summary", { timeout: 60_000, skip: noIndex }, async (t) => {
  // The bundled site's offence summary for s.4A of the Protection from Harassment Act 1997.
  const target = all.find((p) => p.url === "legislation/pha-1997/s4a/");
  if (!target) {
    t.skip("not the bundled site");
    return;
  }
  const found = await searchFor("s4a");
  assert.equal(found[0], "/legislation/pha-1997/s4a/", found.join(", "));
});

test("searching fetched nothing from outside the site", () => {
  assert.deepEqual(outside, []);
});
