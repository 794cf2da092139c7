// Waymark offline worker, loaded by the site's generated sw.js (which sets WAYMARK_VERSION).
// Keeps the pages an officer opens, the theme's assets and the static search index on the
// device, so guidance stays readable without signal. Pages come from the network first, so
// they are never staler than they must be; when the network fails or is too slow, the saved
// copy is shown with a notice saying when it was saved.
"use strict";

var VERSION = self.WAYMARK_VERSION || "dev";
var SCOPE = self.registration.scope;
// Saved pages outlive deploys (they are what the officer has read); assets and the search
// index belong to one build and are replaced with it.
var PAGES = "waymark-pages " + SCOPE;
var ASSETS = "waymark-assets " + SCOPE + " " + VERSION;
var SEARCH = "waymark-search " + SCOPE + " " + VERSION;
var NETWORK_WAIT_MS = 4000;
var MAX_PAGES = 400;
var ASSET_BUDGET = 8 * 1024 * 1024;
var SEARCH_BUDGET = 30 * 1024 * 1024;
var SAVED = "x-waymark-saved";
var TITLE = "x-waymark-title";
var NOTICE = "data-offline-notice hidden></div>";
var SLOW = new Error("slow network");

function abs(rel) {
  return new URL(rel, SCOPE).href;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

// Plain text of an HTML fragment (tags dropped, the escapes the templates write undone).
function text(html) {
  return html.replace(/<[^>]*>/g, "").replace(/&(amp|lt|gt|quot|#39);/g, function (_, e) {
    return { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" }[e];
  }).replace(/\s+/g, " ").trim();
}

// One cache key per page, however its URL was written.
function pageKey(u) {
  var url = new URL(u);
  url.hash = "";
  url.search = "";
  if (url.pathname.endsWith("/index.html")) url.pathname = url.pathname.slice(0, -10);
  return url.href;
}

function isHtml(res) {
  return (res.headers.get("content-type") || "").indexOf("text/html") === 0;
}

function within(promise, ms) {
  return new Promise(function (resolve, reject) {
    var t = setTimeout(function () { reject(SLOW); }, ms);
    promise.then(function (v) { clearTimeout(t); resolve(v); }, function (e) { clearTimeout(t); reject(e); });
  });
}

function langOf(html) {
  var m = /<html[^>]*\slang="([^"]+)"/.exec(html);
  return m ? m[1] : "en-GB";
}

function when(iso, lang) {
  var d = new Date(iso);
  try {
    return d.toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" }) +
      " at " + d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  } catch (e) {
    return d.toISOString().slice(0, 16).replace("T", " ");
  }
}

// A copy of a page response that remembers when it was saved and its title.
function toSaved(res) {
  return res.text().then(function (html) {
    // The page's own heading names it best; the title carries the site's name too.
    var m = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html) || /<title>([^<]*)<\/title>/.exec(html);
    var headers = new Headers({ "content-type": res.headers.get("content-type") || "text/html; charset=utf-8" });
    headers.set(SAVED, new Date().toISOString());
    headers.set(TITLE, encodeURIComponent(m ? text(m[1]) : ""));
    return new Response(html, { status: 200, headers: headers });
  });
}

function savePage(key, res) {
  return caches.open(PAGES).then(function (cache) {
    return toSaved(res).then(function (copy) {
      return cache.put(key, copy);
    }).then(function () {
      return cache.keys();
    }).then(function (keys) {
      // The oldest saved pages go first when the device holds too many.
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (k) { return cache.delete(k); }));
    });
  });
}

function htmlResponse(html) {
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

// The saved copy, with the notice that says it is one.
function withNotice(saved) {
  return saved.text().then(function (html) {
    var notice = 'data-offline-notice role="status"><p><strong>Offline copy from ' +
      esc(when(saved.headers.get(SAVED), langOf(html))) +
      ".</strong> There is no connection, so this is the copy saved on this device. It may be out of date.</p></div>";
    return htmlResponse(html.replace(NOTICE, notice));
  });
}

// Fetches the files one build needs offline: its assets and its static search index, as
// listed in manifest.json, within a size budget.
function precache() {
  return fetch(abs("manifest.json"), { cache: "no-cache" })
    .then(function (r) { return r.ok ? r.json() : { files: [] }; })
    .catch(function () { return { files: [] }; })
    .then(function (manifest) {
      var files = manifest.files || [];
      function pick(prefix, budget, ok) {
        var used = 0;
        return files.filter(function (f) {
          if (f.path.indexOf(prefix) !== 0 || !ok(f.path)) return false;
          used += f.size;
          return used <= budget;
        }).map(function (f) { return abs(f.path); });
      }
      var assets = pick("static/", ASSET_BUDGET, function (p) { return /\.(css|js|mjs|svg|png|ico|webp|woff2?)$/.test(p); });
      if (!assets.length) assets = ["static/style.css", "static/print.css", "static/site.js"].map(abs);
      var search = pick("pagefind/", SEARCH_BUDGET, function () { return true; });
      return Promise.all([fill(ASSETS, assets), fill(SEARCH, search)]);
    })
    .then(function () {
      // The home, search and saved-pages pages are there from the first visit.
      return Promise.all(["", "search/", "offline/"].map(function (p) {
        return fetch(abs(p)).then(function (res) {
          if (res.ok && isHtml(res)) return savePage(abs(p), res);
        }).catch(function () {});
      }));
    });
}

// Adds URLs to a cache a few at a time; a file that fails is skipped, not fatal.
function fill(name, urls) {
  return caches.open(name).then(function (cache) {
    var i = 0;
    function next() {
      if (i >= urls.length) return Promise.resolve();
      var u = urls[i++];
      return cache.add(u).catch(function () {}).then(next);
    }
    return Promise.all([next(), next(), next(), next()]);
  });
}

self.addEventListener("install", function (e) {
  e.waitUntil(precache().catch(function () {}).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      var mine = n.indexOf("waymark-assets " + SCOPE + " ") === 0 || n.indexOf("waymark-search " + SCOPE + " ") === 0;
      return mine && n !== ASSETS && n !== SEARCH;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET" || req.url.indexOf(SCOPE) !== 0) return;
  var rel = req.url.slice(SCOPE.length);
  // The search API, the manifest and the worker itself always come from the network.
  if (/^(api\/|manifest\.json|sw\.js)/.test(rel)) return;
  if (req.mode === "navigate") {
    e.respondWith(page(e, req, rel));
  } else if (rel.indexOf("pagefind/") === 0) {
    e.respondWith(cacheFirst(e, SEARCH, req));
  } else {
    e.respondWith(staleWhileRevalidate(e, req));
  }
});

function page(e, req, rel) {
  var key = pageKey(req.url);
  if (key === abs("offline/")) return offlinePage(new URL(req.url).searchParams.get("missing"));
  var network = fetch(req).then(function (res) {
    if (res.status >= 500) throw new Error("server error " + res.status);
    if (res.ok && isHtml(res)) e.waitUntil(savePage(key, res.clone()).catch(function () {}));
    return res;
  });
  // Saving may finish after a slow answer has already been replaced by the saved copy.
  e.waitUntil(network.catch(function () {}));
  return within(network, NETWORK_WAIT_MS).catch(function (err) {
    return caches.open(PAGES).then(function (c) { return c.match(key); }).then(function (saved) {
      if (saved) return withNotice(saved);
      if (err === SLOW) {
        return network.catch(function () { return missing(rel); });
      }
      return missing(rel);
    });
  });
}

function missing(rel) {
  return Response.redirect(abs("offline/?missing=" + encodeURIComponent(rel.split("?")[0])), 302);
}

// The saved-pages page, with the list of what this device holds.
function offlinePage(missingRel) {
  var key = abs("offline/");
  return within(fetch(key), NETWORK_WAIT_MS)
    .then(function (res) { if (!res.ok) throw new Error("no page"); return res.text(); })
    .catch(function () {
      return caches.open(PAGES).then(function (c) { return c.match(key); }).then(function (r) {
        return r ? r.text() : "<!doctype html><title>Offline</title><main id=\"main\"><h1>Offline</h1><ul class=\"saved-pages\" data-saved-pages></ul></main>";
      });
    })
    .then(function (html) {
      return caches.open(PAGES).then(function (c) {
        return c.keys().then(function (keys) {
          return Promise.all(keys.map(function (k) { return c.match(k).then(function (r) { return { url: k.url, r: r }; }); }));
        });
      }).then(function (entries) {
        var lang = langOf(html);
        var items = entries.filter(function (x) { return x.r && x.url !== key; }).map(function (x) {
          return { url: x.url, title: decodeURIComponent(x.r.headers.get(TITLE) || "") || x.url, saved: x.r.headers.get(SAVED) || "" };
        }).sort(function (a, b) { return a.saved < b.saved ? 1 : -1; });
        var list = items.length ? items.map(function (x) {
          return '<li><a href="' + esc(x.url) + '">' + esc(x.title) + '</a> <time datetime="' + esc(x.saved) + '">saved ' + esc(when(x.saved, lang)) + "</time></li>";
        }).join("") : "<li>No pages are saved yet. Pages you open are saved as you read them.</li>";
        html = html.replace(/<ul class="saved-pages" data-saved-pages>[\s\S]*?<\/ul>/, '<ul class="saved-pages" data-saved-pages>' + list + "</ul>");
        if (missingRel !== null) {
          html = html.replace('<div class="banner" data-offline-missing hidden></div>',
            '<div class="banner" data-offline-missing role="status"><p><strong>That page is not saved on this device.</strong> When you have signal, <a href="' +
            esc(abs(missingRel)) + '">open it again</a>.</p></div>');
        }
        return htmlResponse(html);
      });
    });
}

function cacheFirst(e, name, req) {
  return caches.match(req).then(function (hit) {
    if (hit) return hit;
    return fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        e.waitUntil(caches.open(name).then(function (c) { return c.put(req, copy); }));
      }
      return res;
    });
  });
}

function staleWhileRevalidate(e, req) {
  return caches.open(ASSETS).then(function (cache) {
    return cache.match(req).then(function (hit) {
      var fresh = fetch(req).then(function (res) {
        if (res.ok) return cache.put(req, res.clone()).then(function () { return res; });
        return res;
      });
      if (hit) {
        e.waitUntil(fresh.catch(function () {}));
        return hit;
      }
      return fresh;
    });
  });
}
