// Waymark: progressive enhancements only. Every page reads and navigates without this file.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var portable = body.getAttribute("data-portable") === "true";

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Search page: ask a Waymark server first; fall back to the static index; explain when
  // neither is reachable (a portable copy opened from disk).
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (results && status) {
    var params = new URLSearchParams(window.location.search);
    var q = (params.get("q") || "").trim();
    var input = document.getElementById("search-q");
    if (input && q) input.value = q;
    if (q && !results.children.length) runSearch(q);
  }

  function show(hits, total) {
    results.innerHTML = "";
    status.textContent = total === 0 ? "No results. Try fewer words, or an abbreviation such as SPO." : total + (total === 1 ? " result" : " results");
    hits.forEach(function (h) {
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(h.url) + '">' + esc(h.title) + '</a> <span class="kind">' + esc(h.kind) + "</span><p>" + (h.snippet || "") + "</p>";
      results.appendChild(li);
    });
  }

  function runSearch(q) {
    status.textContent = "Searching…";
    if (window.location.protocol === "file:") {
      status.textContent = "Search is not available in a copy opened from disk. Use the sections and glossary, or open the site through a web server.";
      return;
    }
    fetch(root + "api/search?q=" + encodeURIComponent(q) + "&limit=20", { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok || (r.headers.get("content-type") || "").indexOf("json") < 0) throw new Error("no server");
        return r.json();
      })
      .then(function (data) {
        show(data.hits.map(function (h) { return { url: root + h.url, title: h.title, kind: h.kind, snippet: h.snippet }; }), data.total);
      })
      .catch(function () { staticSearch(q); });
  }

  function staticSearch(q) {
    if (body.getAttribute("data-static-search") !== "true") {
      status.textContent = "Search needs a Waymark server on this site.";
      return;
    }
    import(root + "pagefind/pagefind.js")
      .then(function (pf) {
        return pf.search(q).then(function (res) {
          return Promise.all(res.results.slice(0, 20).map(function (r) { return r.data(); })).then(function (items) {
            show(items.map(function (d) {
              var u = d.url.replace(/^\//, "");
              return { url: root + u, title: (d.meta && d.meta.title) || u, kind: (d.meta && d.meta.kind) || "", snippet: d.excerpt };
            }), res.results.length);
          });
        });
      })
      .catch(function () {
        status.textContent = "Search is not available here. Browse the sections or the glossary instead.";
      });
  }

  // Offline copies of visited pages (service worker, static/offline.js). A site that turns
  // them off (site.yaml `offline: false`) also removes a worker an earlier build installed.
  if ("serviceWorker" in navigator && window.location.protocol !== "file:" && !portable) {
    if (body.getAttribute("data-offline") === "true") {
      navigator.serviceWorker.register(root + "sw.js").catch(function () {});
    } else {
      var scope = new URL(root || "./", window.location.href).href;
      navigator.serviceWorker.getRegistrations().then(function (regs) {
        regs.forEach(function (r) { if (r.scope === scope) r.unregister(); });
      }).catch(function () {});
    }
  }
})();
