(function () {
  "use strict";
  var search = document.getElementById("model-search");
  var tierSel = document.getElementById("tier-filter");
  var gateSel = document.getElementById("gate-filter");
  var stateButtons = Array.prototype.slice.call(document.querySelectorAll("[data-state-filter]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.model-row"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("details.model"));
  var shown = document.getElementById("shown-count");
  var empty = document.getElementById("no-match");
  var state = "all";

  function matches(el) {
    var q = (search && search.value || "").trim().toLowerCase();
    if (q && el.getAttribute("data-search").indexOf(q) === -1) { return false; }
    if (state !== "all" && el.getAttribute("data-state") !== state) { return false; }
    if (tierSel && tierSel.value && el.getAttribute("data-tier") !== tierSel.value) { return false; }
    if (gateSel && gateSel.value && el.getAttribute("data-gate") !== gateSel.value) { return false; }
    return true;
  }

  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.classList.toggle("hidden", !ok);
      if (ok) { n += 1; }
    });
    sections.forEach(function (sec) { sec.classList.toggle("hidden", !matches(sec)); });
    if (shown) { shown.textContent = n + " of " + rows.length + " models"; }
    if (empty) { empty.classList.toggle("hidden", n !== 0); }
  }

  if (search) { search.addEventListener("input", apply); }
  if (tierSel) { tierSel.addEventListener("change", apply); }
  if (gateSel) { gateSel.addEventListener("change", apply); }
  stateButtons.forEach(function (btn) {
    btn.addEventListener("click", function () {
      state = btn.getAttribute("data-state-filter");
      stateButtons.forEach(function (b) { b.classList.toggle("on", b === btn); });
      apply();
    });
  });

  function setOpen(open) {
    sections.forEach(function (sec) { if (!sec.classList.contains("hidden")) { sec.open = open; } });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setOpen(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setOpen(false); }); }

  // Jumping to a model from the index opens its section.
  rows.forEach(function (row) {
    var link = row.querySelector("a[href^='#']");
    if (!link) { return; }
    link.addEventListener("click", function () {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { target.open = true; }
    });
  });

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  Array.prototype.slice.call(document.querySelectorAll("button.copy")).forEach(function (btn) {
    btn.addEventListener("click", function () {
      var pre = btn.parentNode.querySelector("pre");
      var text = pre ? pre.textContent : "";
      function done(ok) {
        btn.textContent = ok ? "Copied" : "Select and copy";
        setTimeout(function () { btn.textContent = "Copy"; }, 1500);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
      } else {
        done(fallbackCopy(text));
      }
    });
  });

  apply();
  document.documentElement.setAttribute("data-ready", "1");
})();
