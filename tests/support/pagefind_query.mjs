// Runs a query against a Pagefind static index the way a browser would, with `fetch` served
// from disk, and prints the results and every byte fetched as JSON.
//
//   node pagefind_query.mjs <site>/pagefind "<query>" [results to load, default 10]
//
// Used by the static-index test (tests/it/search.rs) and the search benchmark.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const dir = path.resolve(process.argv[2]);
const query = process.argv[3] ?? "";
const load = Number(process.argv[4] ?? 10);
const fetched = [];

globalThis.fetch = async (input) => {
  const url = new URL(String(input), pathToFileURL(dir + "/"));
  const file = fileURLToPath(url);
  const body = fs.readFileSync(file);
  fetched.push({ file: path.relative(dir, file), bytes: body.length });
  return new Response(body, { status: 200 });
};

const pagefind = await import(pathToFileURL(path.join(dir, "pagefind.js")).href);
// Result URLs root-relative, as the search page expects them (it makes them relative).
await pagefind.options({ basePath: pathToFileURL(dir + "/").href, baseUrl: "/" });
const search = await pagefind.search(query);
const results = await Promise.all(search.results.slice(0, load).map((r) => r.data()));
console.log(
  JSON.stringify({
    count: search.results.length,
    results: results.map((d) => ({
      url: d.url,
      title: d.meta && d.meta.title,
      kind: d.meta && d.meta.kind,
      excerpt: d.excerpt,
      sub_results: (d.sub_results || []).map((s) => ({ url: s.url, title: s.title })),
    })),
    fetched,
    bytes: fetched.reduce((n, f) => n + f.bytes, 0),
  }),
);
