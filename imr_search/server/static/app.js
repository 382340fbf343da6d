// Progressive enhancement only: every feature of the page works without this script.
(function () {
  "use strict";
  // Keep URLs clean and bookmarkable: empty fields (an unset date) are not submitted.
  var form = document.getElementById("search-form");
  if (form) {
    form.addEventListener("submit", function () {
      var fields = form.elements;
      for (var i = 0; i < fields.length; i++) {
        var el = fields[i];
        if (el.name && el.value === "" && el.name !== "q") { el.disabled = true; }
      }
      // Date inputs live in the sidebar but belong to the form (form="search-form").
      document.querySelectorAll('input[form="search-form"]').forEach(function (el) {
        if (el.value === "") { el.disabled = true; }
      });
    });
    // Re-enable fields when the page is restored from the back/forward cache.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("#search-form [disabled], input[form='search-form'][disabled]")
        .forEach(function (el) { el.disabled = false; });
    });
  }
  // "/" focuses the search box, as on most search sites.
  document.addEventListener("keydown", function (e) {
    var q = document.getElementById("q");
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (e.key === "/" && q && !typing && !e.metaKey && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      q.focus();
      q.select();
    }
  });
})();
