// The built site under test: where it is, its pages and the kind of each (the default theme
// marks every page with data-page-kind), and one representative page per kind.
import fs from "node:fs";
import path from "node:path";
import { serve } from "./server.js";

export function siteDir() {
  const dir = process.env.WAYMARK_SITE_DIR;
  if (!dir || !fs.existsSync(path.join(dir, "manifest.json"))) {
    throw new Error("WAYMARK_SITE_DIR must name a built Waymark site (tests/run builds one)");
  }
  return path.resolve(dir);
}

/** Every HTML page of the build as { url (relative to the site root), kind, file }. */
export function pages(dir = siteDir()) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  return manifest.files
    .map((f) => f.path)
    .filter((p) => p.endsWith(".html"))
    .map((p) => {
      const html = fs.readFileSync(path.join(dir, p), "utf8");
      const m = /data-page-kind="([^"]+)"/.exec(html);
      const redirect = /<meta http-equiv="refresh"/i.test(html);
      const url = p === "404.html" ? "this-page-does-not-exist/at/any/depth/" : p.replace(/index\.html$/, "");
      return { url, file: p, kind: m ? m[1] : p.startsWith("search/") ? "search" : null, redirect };
    })
    .filter((p) => !p.redirect && p.kind);
}

/** The first page (in path order) of each kind. */
export function representatives(all = pages()) {
  const seen = new Map();
  for (const p of all) if (!seen.has(p.kind)) seen.set(p.kind, p);
  return [...seen.values()];
}

export async function serveSite(dir = siteDir()) {
  return serve(dir);
}
