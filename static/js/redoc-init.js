// Starts ReDoc on the API reference page (templates/drf_spectacular/redoc.html) from its data attributes.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  if (!container || typeof Redoc === "undefined") return;
  Redoc.init(container.dataset.specUrl, JSON.parse(container.dataset.settings || "{}"), container);
})();
