// Waymark: progressive enhancements only. Every page reads and navigates without this file.
(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var portable = body.getAttribute("data-portable") === "true";

  // Search lives in static/search.js, loaded by the search page only.

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
