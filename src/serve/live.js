// Waymark live preview: reloads this page when a save changes it, shows the errors of a save
// that cannot be published, and the errors the whole-site checks find after a save was
// published. Served by `waymark serve` only; built sites never carry it.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = Number(me && me.getAttribute("data-version")) || 0;
  var path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
  if (path === "" || path.slice(-1) === "/") path += "index.html";
  var overlay = null;

  function affects(changed) {
    if (!changed) return true;
    for (var i = 0; i < changed.length; i++) {
      var c = changed[i];
      // This page, or anything a page loads (stylesheets, scripts, images).
      if (c === path || !/\.(html|xml|json)$/.test(c)) return true;
    }
    return false;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function stylesheet() {
    if (document.getElementById("waymark-live-css")) return;
    var l = document.createElement("link");
    l.id = "waymark-live-css";
    l.rel = "stylesheet";
    l.href = "/__waymark/live.css";
    document.head.appendChild(l);
  }

  function show(s) {
    stylesheet();
    hide();
    overlay = el("div", "waymark-live");
    overlay.setAttribute("role", "alert");
    var n = s.diagnostics.length;
    var errors = n === 1 ? "1 error" : n + " errors";
    overlay.appendChild(el("h2", null, !s.ok
      ? (n ? errors + " — this page shows the last good version"
           : "The site cannot be built — this page shows the last good version")
      : errors + " found by the whole-site checks — this page shows your save, but the site cannot be published until they are fixed"));
    if (s.message) overlay.appendChild(el("p", "waymark-live-message", s.message));
    var list = el("ol");
    s.diagnostics.forEach(function (d) {
      var li = el("li");
      var where = d.file ? d.file + (d.line ? ":" + d.line + ":" + d.column : "") : "";
      if (where) li.appendChild(el("code", "waymark-live-where", where));
      li.appendChild(el("span", "waymark-live-text", " " + d.message + " "));
      if (d.check) li.appendChild(el("span", "waymark-live-check", "[" + d.check + "]"));
      if (d.help) li.appendChild(el("p", "waymark-live-help", "help: " + d.help));
      list.appendChild(li);
    });
    overlay.appendChild(list);
    overlay.appendChild(el("p", "waymark-live-note", "Fix the file and save: this goes away by itself."));
    document.body.appendChild(overlay);
  }

  function hide() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
  }

  if (!window.EventSource) return;
  var source = new EventSource("/__waymark/events?since=" + version);
  source.addEventListener("state", function (e) {
    var s;
    try { s = JSON.parse(e.data); } catch (err) { return; }
    if (!s.ok) { show(s); return; }
    if (s.version > version) {
      if (affects(s.changed)) {
        source.close();
        location.reload();
        return;
      }
      version = s.version;
    }
    if (s.diagnostics.length) show(s); else hide();
  });
})();
