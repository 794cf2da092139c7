// Waymark search page: a progressive enhancement. Without JavaScript the form is a plain GET
// form that a Waymark server answers with the results already on the page.
//
// With JavaScript it searches in place: first the server's `api/search`; where no server
// answers (a mirror on a plain static host), the static Pagefind index under `pagefind/`,
// fetched in small pieces; and where neither can work (a copy opened from disk) it says so.
// Nothing is fetched from outside the site.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var staticIndex = body.getAttribute("data-static-search") === "true";
  var page = document.querySelector(".page-search");
  var form = page && page.querySelector("form");
  var input = document.getElementById("search-q");
  var kindSelect = document.getElementById("search-kind");
  var results = document.getElementById("search-results");
  var facets = document.getElementById("search-facets");
  var status = document.getElementById("search-status");
  if (!page || !form || !input || !results || !status) return;

  var LIMIT = 20;
  var KINDS = { guidance: "Guidance", legal: "Legal summary", practice: "Practice bank", recommendation: "Recommendation", term: "Glossary term", section: "Section" };
  var pagefind = null;
  var serverAnswers = null; // unknown until the first search
  var latest = 0;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Text from the static index: escaped, keeping only its <mark> highlights.
  function marked(s) {
    return esc(s || "").replace(/&lt;(\/?)mark&gt;/g, "<$1mark>");
  }

  function say(text) {
    status.innerHTML = "";
    var p = document.createElement("p");
    p.textContent = text;
    status.appendChild(p);
  }

  function pageUrl(q, kind) {
    var u = "?q=" + encodeURIComponent(q);
    if (kind) u += "&kind=" + encodeURIComponent(kind);
    return u;
  }

  function show(q, kind, hits, total, kindCounts) {
    results.innerHTML = "";
    if (total === 0) {
      say("No results for “" + q + "”. Try fewer or other words, or a section number such as s.4A.");
    } else {
      say(total + (total === 1 ? " result" : " results") + " for “" + q + "”" + (total > hits.length ? "; the first " + hits.length + " are shown" : ""));
    }
    hits.forEach(function (h) {
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(h.url) + '">' + esc(h.title) + '</a> <span class="kind">' + esc(KINDS[h.kind] || h.kind) + "</span><p>" + h.snippet + "</p>";
      results.appendChild(li);
    });
    if (facets) {
      facets.innerHTML = "";
      Object.keys(kindCounts || {}).sort().forEach(function (k) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = pageUrl(q, k);
        a.textContent = (KINDS[k] || k) + " (" + kindCounts[k] + ")";
        if (k === kind) a.setAttribute("aria-current", "true");
        a.addEventListener("click", function (e) {
          e.preventDefault();
          if (kindSelect) kindSelect.value = k;
          go(q, k);
        });
        li.appendChild(a);
        facets.appendChild(li);
      });
    }
  }

  function unavailable() {
    results.innerHTML = "";
    if (facets) facets.innerHTML = "";
    if (window.location.protocol === "file:") {
      say("Search does not work in a copy of the site opened from disk. Open it through a web server, or browse the sections and the glossary.");
    } else {
      say("Search is not available on this copy of the site. Browse the sections and the glossary instead.");
    }
  }

  function viaServer(q, kind) {
    var url = root + "api/search?q=" + encodeURIComponent(q) + "&limit=" + LIMIT + (kind ? "&kind=" + encodeURIComponent(kind) : "");
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok || (r.headers.get("content-type") || "").indexOf("json") < 0) throw new Error("no server");
      return r.json();
    }).then(function (data) {
      serverAnswers = true;
      return {
        total: data.total,
        kinds: data.facets && data.facets.kind,
        hits: data.hits.map(function (h) {
          return { url: root + String(h.url).replace(/^\.\//, ""), title: h.title, kind: h.kind, snippet: h.snippet || "" };
        }),
      };
    });
  }

  // "section 4A", "s 4A", "sect. 4A" -> "s4a": the static index holds citations in that form.
  function normalise(q) {
    return q.replace(/\b(?:sections?|sects?|secs?|ss?)\.?\s*(\d{1,4}[a-z]{0,3})\b/gi, function (_, n) {
      return "s" + n.toLowerCase();
    });
  }

  function viaStaticIndex(q, kind) {
    var load = pagefind
      ? Promise.resolve(pagefind)
      : import(new URL(root + "pagefind/pagefind.js", document.baseURI).href).then(function (pf) {
          return pf.options({ baseUrl: "/" }).then(function () {
            pagefind = pf;
            return pf;
          });
        });
    return load.then(function (pf) {
      var opts = kind ? { filters: { kind: kind } } : {};
      return Promise.all([pf.search(normalise(q), opts), kind ? pf.search(normalise(q)) : null]).then(function (both) {
        var res = both[0];
        var all = both[1] || res;
        var kinds = (all.filters && all.filters.kind) || null;
        return Promise.all(res.results.slice(0, LIMIT).map(function (r) { return r.data(); })).then(function (items) {
          return {
            total: res.results.length,
            kinds: kinds,
            hits: items.map(function (d) {
              // Land on the section with most matches when it is not the page's opening.
              var best = null;
              (d.sub_results || []).forEach(function (s) {
                if (!best || (s.locations || []).length > (best.locations || []).length) best = s;
              });
              var title = (d.meta && d.meta.title) || d.url;
              var url = d.url;
              var excerpt = d.excerpt;
              if (best && best.url !== d.url && best.title && best.title !== title) {
                title = title + " › " + best.title;
                url = best.url;
                excerpt = best.excerpt || excerpt;
              }
              return { url: root + String(url).replace(/^\//, ""), title: title, kind: (d.meta && d.meta.kind) || "", snippet: marked(excerpt) };
            }),
          };
        });
      });
    });
  }

  function search(q, kind) {
    if (window.location.protocol === "file:") return Promise.reject(new Error("file"));
    if (serverAnswers === false) return staticIndex ? viaStaticIndex(q, kind) : Promise.reject(new Error("none"));
    return viaServer(q, kind).catch(function () {
      serverAnswers = false;
      if (!staticIndex) throw new Error("none");
      return viaStaticIndex(q, kind);
    });
  }

  function go(q, kind) {
    var n = ++latest;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", pageUrl(q, kind));
    }
    say("Searching…");
    search(q, kind).then(function (r) {
      if (n === latest) show(q, kind, r.hits, r.total, r.kinds);
    }).catch(function () {
      if (n === latest) unavailable();
    });
  }

  form.addEventListener("submit", function (e) {
    var q = input.value.trim();
    if (!q) return;
    e.preventDefault();
    go(q, kindSelect ? kindSelect.value : "");
  });

  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim();
  var kind = params.get("kind") || "";
  if (q) {
    input.value = q;
    if (kindSelect) kindSelect.value = kind;
  }
  // A server already put the results on the page; otherwise search here.
  if (q && page.getAttribute("data-rendered") !== "true") go(q, kind);
})();
