// Paper: each checklist prints on one sheet of A4 (Chromium's own PDF output), and a printed
// page keeps its dates and where it came from while dropping the navigation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { launch, artifact } from "../lib/browser.js";
import { pages, representatives, serveSite } from "../lib/site.js";

const all = pages();
let server, browser, page;

before(async () => {
  server = await serveSite();
  browser = await launch();
  page = await (await browser.newContext({ serviceWorkers: "block" })).newPage();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

function pageCount(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
}

test("every checklist fits on one A4 page", { timeout: 5 * 60_000 }, async () => {
  const checklists = all.filter((p) => p.kind === "checklist");
  assert.ok(checklists.length > 0, "the site has checklists");
  const over = [];
  for (const c of checklists) {
    await page.goto(server.url + c.url);
    const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true, printBackground: true });
    const name = c.url.replace(/\/$/, "").split("/").pop();
    fs.writeFileSync(artifact(`print-${name}.pdf`), pdf);
    const n = pageCount(pdf);
    if (n !== 1) over.push(`${c.url}: ${n} pages`);
  }
  assert.deepEqual(over, [], over.join("\n"));
});

test("a printed page keeps its dates and source and drops navigation", async () => {
  const g = representatives(all).find((p) => p.kind === "guidance");
  await page.goto(server.url + g.url);
  await page.emulateMedia({ media: "print" });
  for (const hidden of [".site-header", ".site-footer", ".toc", ".breadcrumbs"]) {
    if (await page.locator(hidden).count()) assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} prints`);
  }
  const meta = page.locator(".page-meta");
  assert.ok(await meta.isVisible(), "dates print");
  assert.match(await meta.innerText(), /Updated/);
  const source = page.locator(".print-source");
  assert.ok(await source.isVisible(), "the source line prints");
  assert.match(await source.innerText(), /Printed from .+\. .*Check the online version/);
  await page.emulateMedia({ media: "screen" });
  assert.equal(await source.isVisible(), false, "the source line is for paper only");
});
