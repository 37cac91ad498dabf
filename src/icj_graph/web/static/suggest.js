// Search suggestions for every search box marked data-suggest: an ARIA combobox over /api/suggest.
(function () {
  "use strict";
  function attach(input) {
    var box = document.createElement("ul");
    box.setAttribute("role", "listbox");
    box.id = input.id + "-suggestions";
    box.hidden = true;
    input.parentNode.appendChild(box);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("aria-expanded", "false");
    var items = [], active = -1, timer = null;
    function close() { box.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function select(i) {
      active = i;
      Array.prototype.forEach.call(box.children, function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (i >= 0) { input.setAttribute("aria-activedescendant", box.children[i].id); }
    }
    function show(results) {
      items = results; box.textContent = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option"); li.id = box.id + "-" + i;
        li.textContent = r.label + (r.kind ? " · " + r.kind : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location = r.url; });
        box.appendChild(li);
      });
      box.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch("/api/suggest?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(show).catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (box.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location = items[active].url; }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
