// Offline copies: after an officer has read a page, it opens again with no connection, marked
// "Offline copy from DATE"; a page never read leads to the saved-pages list; the static search
// index is kept too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launch, axe, watchExternal, artifact } from "../lib/browser.js";
import { pages, representatives, serveSite, siteDir } from "../lib/site.js";

const reps = representatives(pages());
const guidance = reps.find((p) => p.kind === "guidance");
const unsaved = reps.find((p) => p.kind === "legal");
let server, browser, context, page, outside;

before(async () => {
  server = await serveSite();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  outside = watchExternal(context, server.url);
  page = await context.newPage();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function saved(url) {
  return page.evaluate(async (u) => !!(await caches.match(u)), url);
}

test("a page read online opens offline with the date it was saved", { timeout: 120_000 }, async () => {
  const url = server.url + guidance.url;
  await page.goto(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The worker controls pages from now on; reading the page again saves it.
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  for (let i = 0; i < 50 && !(await saved(url)); i++) await page.waitForTimeout(100);
  assert.ok(await saved(url), "the page was saved on the device");
  const title = await page.locator("h1").innerText();

  await server.close(); // no signal
  await page.reload();
  assert.equal(await page.locator("h1").innerText(), title, "the saved copy shows");
  const notice = page.locator("[data-offline-notice]");
  assert.ok(await notice.isVisible(), "the offline notice shows");
  const text = await notice.innerText();
  const today = new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  assert.ok(text.includes(`Offline copy from ${today}`), text);
  assert.deepEqual(await axe(page), [], "the offline copy is accessible");
  await page.screenshot({ path: artifact("offline-copy-360.png") });
});

test("a page never read leads to the list of saved pages", { timeout: 60_000 }, async () => {
  await page.goto(server.url + unsaved.url);
  assert.match(new URL(page.url()).pathname, /\/offline\/$/);
  assert.ok(await page.locator("[data-offline-missing]").isVisible(), "says the page is not saved");
  const list = await page.locator("[data-saved-pages]").innerText();
  const heading = fs.readFileSync(path.join(siteDir(), guidance.file), "utf8").match(/<h1[^>]*>([^<]*)<\/h1>/)[1];
  const decoded = heading.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  assert.ok(list.includes(decoded), `saved list: ${list}`);
  assert.ok(!/&(amp|#39|quot);/.test(list), `entities shown as text: ${list}`);
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: artifact("offline-saved-pages-360.png") });
});

test("the static search index is kept for offline search", { timeout: 60_000 }, async (t) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(siteDir(), "manifest.json"), "utf8"));
  const index = manifest.files.filter((f) => f.path.startsWith("pagefind/"));
  if (!index.length) {
    t.skip("this build has no static search index (pagefind/)");
    return;
  }
  for (const f of index.slice(0, 20)) {
    assert.ok(await saved(server.url + f.path), `${f.path} is kept offline`);
  }
});

test("nothing was fetched from outside the site", () => {
  assert.deepEqual(outside, []);
});
