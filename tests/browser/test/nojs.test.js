// With JavaScript switched off the site still reads and navigates: the menu, contents links,
// breadcrumbs, skip link and the header search form all work.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../lib/browser.js";
import { pages, representatives, serveSite } from "../lib/site.js";

const reps = representatives(pages());
const byKind = (k) => reps.find((p) => p.kind === k);
let server, browser, context, page;

before(async () => {
  server = await serveSite();
  browser = await launch();
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 700 } });
  page = await context.newPage();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the menu leads from the home page to a section and back", async () => {
  await page.goto(server.url);
  const first = page.locator("nav[aria-label=Main] a").first();
  const name = (await first.textContent()).trim();
  await first.click();
  await page.waitForLoadState();
  assert.notEqual(new URL(page.url()).pathname, "/", `clicking "${name}" did not navigate`);
  assert.equal(await page.locator("h1").count(), 1);
  await page.locator(".site-name").click();
  await page.waitForLoadState();
  assert.equal(new URL(page.url()).pathname, "/");
});

test("a guidance page reads without JavaScript: contents links, breadcrumb, skip link", async () => {
  const g = byKind("guidance");
  await page.goto(server.url + g.url);
  assert.ok((await page.locator("main .content").innerText()).length > 200, "guidance text is visible");
  const toc = page.locator(".toc a").first();
  if (await toc.count()) {
    const href = await toc.getAttribute("href");
    await toc.click();
    assert.ok(page.url().endsWith(href), `contents link went to ${page.url()}`);
    assert.ok(await page.locator(href).isVisible());
  }
  await page.goto(server.url + g.url);
  await page.keyboard.press("Tab");
  const skip = page.locator(".skip-link");
  assert.equal(await skip.evaluate((e) => e === document.activeElement), true, "the first Tab reaches the skip link");
  assert.ok(await skip.isVisible(), "the focused skip link is visible");
  await page.keyboard.press("Enter");
  assert.ok(page.url().endsWith("#main"));
  const crumb = page.locator(".breadcrumbs a").last();
  await crumb.click();
  await page.waitForLoadState();
  assert.equal(await page.locator("h1").count(), 1);
});

test("the header search form submits to the search page without JavaScript", async () => {
  await page.goto(server.url + byKind("guidance").url);
  await page.fill("#site-search", "harassment");
  await page.press("#site-search", "Enter");
  await page.waitForLoadState();
  const u = new URL(page.url());
  assert.match(u.pathname, /\/search\/$/);
  assert.equal(u.searchParams.get("q"), "harassment");
  assert.equal(await page.locator("h1").count(), 1);
});

test("the 404 page is styled and its links work at any depth", async () => {
  const res = await page.goto(server.url + "no/such/page/here/");
  assert.equal(res.status(), 404);
  const bg = await page.locator(".site-header").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the stylesheet loaded");
  await page.locator("main a", { hasText: "home page" }).click();
  await page.waitForLoadState();
  assert.equal(new URL(page.url()).pathname, "/");
});
