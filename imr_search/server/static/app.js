// Progressive enhancement only: every feature of the page works without this script.
(function () {
  "use strict";
  // Styles that only make sense with this script (the filter drawer) key on html.js.
  document.documentElement.classList.add("js");
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
  // "Decisions like this one": when a panel is opened, fetch the precedent counts and the
  // closest cases. The links in the panel work without this; text is set with textContent.
  document.querySelectorAll("details.related[data-precedents-api]").forEach(function (panel) {
    panel.addEventListener("toggle", function () {
      if (!panel.open || panel.dataset.loaded) { return; }
      panel.dataset.loaded = "1";
      var out = panel.querySelector(".related-summary");
      out.textContent = "Loading…";
      fetch(panel.dataset.precedentsApi, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (a) {
          out.textContent = "";
          var p = document.createElement("p");
          p.className = "related-rate";
          if (!a.match) {
            p.textContent = "No indexed item matches this kind of request.";
            out.appendChild(p);
            return;
          }
          var pct = function (x) { return (x * 100).toFixed(1) + "%"; };
          p.textContent = a.items + " like it (" + a.match.label + "): " + a.overturned +
            " overturned, " + a.upheld + " upheld; overturn rate " + pct(a.overturn_rate) +
            " (95% CI " + pct(a.interval_95[0]) + "–" + pct(a.interval_95[1]) + ")";
          out.appendChild(p);
          var ol = document.createElement("ol");
          ol.className = "related-closest";
          a.closest.slice(0, 3).forEach(function (c) {
            var li = document.createElement("li");
            // Each case links to the item on its letter page.
            var link = document.createElement("a");
            var number = String(c.item_id).split("#").pop();
            link.href = (panel.dataset.letterBase || "/letters/") + encodeURIComponent(c.letter_id) +
              "#item-" + number;
            link.textContent = (c.case_number || c.letter_id) + " #" + number;
            li.appendChild(link);
            li.appendChild(document.createTextNode(" · " + c.decision + " · " + c.service +
              (c.key_sentence ? " — “" + c.key_sentence + "”" : "")));
            ol.appendChild(li);
          });
          out.appendChild(ol);
        })
        .catch(function () { out.textContent = "Could not load the precedents; use the link above."; });
    });
  });
  // "Copy citation": the citation text is in data-citation (and shown on the letter page).
  document.querySelectorAll("button.copy-citation").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.dataset.citation;
      var done = function (label) {
        button.textContent = label;
        setTimeout(function () { button.textContent = "Copy citation"; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done("Copied"); },
          function () { window.prompt("Copy the citation:", text); });
      } else {
        window.prompt("Copy the citation:", text);
      }
    });
  });
  // The appeal workbench: "Copy as text" (the text is in data-copy, the same as
  // `imr-search appeal` prints) and "Print".
  document.querySelectorAll("button.copy-text").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.dataset.copy;
      var done = function (label) {
        button.textContent = label;
        setTimeout(function () { button.textContent = button.dataset.label; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done("Copied"); },
          function () { window.prompt("Copy the text:", text); });
      } else {
        window.prompt("Copy the text:", text);
      }
    });
  });
  document.querySelectorAll("button.print-page").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // The filter drawer on a phone: the button above the results opens the filters.
  var toggle = document.getElementById("filters-toggle");
  var drawer = document.getElementById("filters");
  if (toggle && drawer) {
    toggle.addEventListener("click", function () {
      var open = !drawer.classList.contains("is-open");
      drawer.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { drawer.focus(); }
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
