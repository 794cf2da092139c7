// Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core. Every launch
// gets a fresh profile. Background networking is off (this network refuses it), and every
// host but loopback resolves to nothing, so a page that tried to reach outside the site would
// fail visibly in the test rather than leave the machine.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.resolve(here, "..", "artifacts");
export const AXE_SOURCE = fs.readFileSync(path.resolve(here, "..", "node_modules", "axe-core", "axe.min.js"), "utf8");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export function launch() {
  return chromium.launch({
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
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ],
  });
}

/**
 * Records every request a browser context makes (pages and service workers) whose URL is
 * not on `origin`. Returns the live list.
 */
export function watchExternal(context, origin) {
  const outside = [];
  const note = (url) => {
    if (!url.startsWith(origin) && !/^(data|blob|about|chrome-extension):/.test(url)) outside.push(url);
  };
  context.on("request", (r) => note(r.url()));
  context.on("requestfailed", (r) => note(r.url()));
  return outside;
}

/** Runs axe-core on the page and returns its violations, summarised. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations;
  });
  return violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}

/** Widest layout box compared with the viewport: > 0 means the page scrolls sideways. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const over = doc.scrollWidth - doc.clientWidth;
    if (over <= 0) return { over: 0, culprits: [] };
    const culprits = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${String(e.className).replace(/\s+/g, ".")}`);
    return { over, culprits };
  });
}

export function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
