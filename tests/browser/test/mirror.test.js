// A force's branded mirror: the bundled site rebuilt with a brand (name, logo, colours) from
// site.yaml, a template partial overridden from the site's templates/, and a local overlay
// page. The brand shows, the local procedure is visibly distinct, and it stays accessible.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { launch, axe, horizontalOverflow, watchExternal, artifact } from "../lib/browser.js";
import { serve } from "../lib/server.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.resolve(here, "..", "fixtures", "mirror");
const source = process.env.WAYMARK_SOURCE_ROOT;
const bin = process.env.WAYMARK_BIN;
const LOCAL = "guidance/stalking-or-harassment/first-response-anyshire/";
let server, browser, out;

before(() => {
  assert.ok(source && bin, "tests/run sets WAYMARK_SOURCE_ROOT and WAYMARK_BIN");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "waymark-mirror-"));
  fs.cpSync(path.join(source, "content"), path.join(root, "content"), { recursive: true });
  fs.cpSync(path.join(fixture, "static"), path.join(root, "static"), { recursive: true });
  fs.cpSync(path.join(fixture, "templates"), path.join(root, "templates"), { recursive: true });
  const yaml = fs.readFileSync(path.join(source, "site.yaml"), "utf8") + "\n" + fs.readFileSync(path.join(fixture, "brand.yaml"), "utf8");
  fs.writeFileSync(path.join(root, "site.yaml"), yaml);
  out = path.join(root, "public");
  execFileSync(bin, ["--root", root, "build", "--quiet", "--out", out, "--overlay", path.join(fixture, "overlay")], { stdio: "inherit" });
});

before(async () => {
  server = await serve(out);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the brand name, logo, colours and footer override show", async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 700 }, serviceWorkers: "block" });
  const outside = watchExternal(context, server.url);
  const page = await context.newPage();
  await page.goto(server.url);
  assert.match(await page.locator(".site-name").innerText(), /Anyshire Police/);
  const logo = page.locator(".site-name img");
  assert.equal(await logo.evaluate((i) => i.complete && i.naturalWidth > 0), true, "the logo loads");
  const bg = await page.locator(".site-header").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(bg, "rgb(75, 31, 111)");
  assert.match(await page.locator(".force-footer").innerText(), /Anyshire Police internal mirror/);
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: artifact("mirror-home-320.png") });
  assert.deepEqual(outside, []);
  await context.close();
});

test("a local procedure is marked as local, sits beside the national page, and is accessible", async () => {
  for (const [width, colorScheme] of [[320, "light"], [320, "dark"], [1280, "light"]]) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme, serviceWorkers: "block" });
    const page = await context.newPage();
    await page.goto(server.url + LOCAL);
    assert.match(await page.locator(".kind-banner").innerText(), /Local procedure/i);
    assert.equal(await page.locator(".kind-banner-app").count(), 0, "a local page never carries the APP mark");
    assert.match(await page.locator(".banner-local").innerText(), /Local procedure — Anyshire Police/);
    const stripe = await page.locator("article").evaluate((e) => getComputedStyle(e).borderLeftWidth);
    assert.notEqual(stripe, "0px", "the page carries the local stripe");
    assert.deepEqual(await axe(page), [], `${width}px ${colorScheme}`);
    assert.equal((await horizontalOverflow(page)).over, 0);
    await page.screenshot({ path: artifact(`local-${width}${colorScheme === "dark" ? "-dark" : ""}.png`), fullPage: colorScheme === "light" });
    if (width === 320 && colorScheme === "light") {
      await page.goto(server.url + "guidance/stalking-or-harassment/first-response/");
      const local = page.locator("#wm-local + ul a");
      assert.equal(await local.innerText(), "First response in Anyshire", "the national page lists the local one");
      assert.deepEqual(await axe(page), []);
    }
    await context.close();
  }
});
