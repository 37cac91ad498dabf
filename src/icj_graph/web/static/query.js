// Query page: YASGUI on our endpoint (offline: local prefixes, no remote autocompletion), the
// examples, a shareable link, downloads in CSV and JSON, and a chart of aggregate results.
(function () {
  "use strict";
  var CANONICAL = "https://w3id.org/icj-graph/";
  var root = document.getElementById("yasgui");
  var params = new URLSearchParams(window.location.search);
  var yasqe = { prefixCcApi: "/prefixes.json", autocompleters: ["prefixes", "variables"], resizeable: true };
  // A new tab opens on an example with our prefixes, not the editor's generic triple pattern.
  if (root.dataset.starter) { yasqe.value = root.dataset.starter; }
  // Absolute: YASR builds a URL from it to show the server's error messages.
  var endpoint = new URL(root.dataset.endpoint, window.location.href).href;
  var yasgui = new window.Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,  // ?query= is ours (below): run once, not also by YASGUI
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: yasqe,
    yasr: { prefixes: {} }
  });
  // YASGUI's own controls come without accessible names: give them one.
  var NAMES = [
    [".autocomplete", "SPARQL endpoint"], ["textarea", "SPARQL query"],
    ["select", "Results per page"], ["input", "Filter the results"]
  ];
  function labelControls() {
    NAMES.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (control) {
        if (!control.getAttribute("aria-label") && !control.labels?.length && !control.title) {
          control.setAttribute("aria-label", pair[1]);
        }
      });
    });
  }
  labelControls();
  new MutationObserver(labelControls).observe(root, { childList: true, subtree: true });
  function tab() { return yasgui.getTab(); }
  function editor() { return tab().getYasqe(); }
  function load(text, run) {
    editor().setValue(text);
    if (run) { editor().query(); }
  }
  if (params.get("query")) { load(params.get("query"), true); }

  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      load(button.dataset.query, true);
      root.scrollIntoView();
    });
  });

  function link(format) {
    return "/sparql?" + new URLSearchParams({ query: editor().getValue(), format: format }).toString();
  }
  // A graph (CONSTRUCT, DESCRIBE) has no CSV: its downloads are Turtle and JSON-LD.
  function refreshLinks() {
    var graph = /^(CONSTRUCT|DESCRIBE)$/.test(editor().getQueryType() || "");
    var table = document.getElementById("download-csv");
    var json = document.getElementById("download-json");
    table.href = link(graph ? "ttl" : "csv");
    table.download = graph ? "results.ttl" : "results.csv";
    table.textContent = graph ? "Download Turtle" : "Download CSV";
    json.href = link(graph ? "jsonld" : "json");
    json.download = graph ? "results.jsonld" : "results.json";
    json.textContent = graph ? "Download JSON-LD" : "Download JSON";
  }
  document.getElementById("download-csv").addEventListener("focus", refreshLinks);
  document.getElementById("download-json").addEventListener("focus", refreshLinks);
  document.getElementById("download-csv").addEventListener("mouseover", refreshLinks);
  document.getElementById("download-json").addEventListener("mouseover", refreshLinks);

  document.getElementById("share").addEventListener("click", function () {
    var url = window.location.origin + "/query?" + new URLSearchParams({ query: editor().getValue() }).toString();
    window.history.replaceState(null, "", url);
    var status = document.getElementById("share-status");
    (navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject())
      .then(function () { status.textContent = "Link copied."; })
      .catch(function () { status.textContent = "Link: " + url; });
  });

  // Results link to this server's entity pages instead of the canonical host.
  new MutationObserver(function () {
    root.querySelectorAll('a[href^="' + CANONICAL + '"]').forEach(function (a) {
      a.href = window.location.origin + "/" + a.getAttribute("href").slice(CANONICAL.length);
      a.removeAttribute("target");
    });
  }).observe(root, { childList: true, subtree: true });

  // A citation for a footnote: dataset version and build, the query's SHA-256, the time, the licence.
  document.getElementById("cite").addEventListener("click", function () {
    var text = editor().getValue().trim();  // the hash is of the text printed
    var digest = window.crypto && window.crypto.subtle
      ? window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
          return Array.from(new Uint8Array(buffer)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("").slice(0, 12);
        })
      : Promise.resolve(null);
    Promise.all([fetch("/readyz").then(function (r) { return r.json(); }), digest]).then(function (parts) {
      var build = parts[0], hash = parts[1];
      var now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      var box = document.getElementById("citation");
      box.textContent = "icj-graph dataset, version " + build.version + " (build " + build.content_hash + ", " +
        build.built_at + "), https://w3id.org/icj-graph/. SPARQL query" + (hash ? " (SHA-256 " + hash + "…)" : "") +
        " run on " + now + ". Licence CC BY 4.0.\n\n" + text;
      box.hidden = false;
    });
  });

  document.getElementById("draw-chart").addEventListener("click", function () {
    var body = new URLSearchParams({ query: editor().getValue() });
    fetch("/sparql", { method: "POST", body: body, headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        var vars = result.head.vars, rows = result.results.bindings;
        var numeric = vars.filter(function (v) { return rows.length && rows.every(function (b) { return b[v] && !isNaN(Number(b[v].value)); }); });
        var box = document.getElementById("result-chart-box"), canvas = document.getElementById("result-chart");
        if (!numeric.length || vars.length < 2) { document.getElementById("share-status").textContent = "A chart needs a label column and a numeric column."; return; }
        box.hidden = false;
        if (canvas.chart) { canvas.chart.destroy(); }
        var label = vars.find(function (v) { return numeric.indexOf(v) < 0; }) || vars[0];
        var value = numeric.find(function (v) { return v !== label; });
        canvas.chart = new window.Chart(canvas, { type: "bar", data: {
          labels: rows.map(function (b) { return b[label] ? b[label].value : ""; }),
          datasets: [{ label: value, data: rows.map(function (b) { return Number(b[value].value); }), backgroundColor: "#0b5394" }] },
          options: { responsive: true, maintainAspectRatio: false, animation: false } });
        canvas.setAttribute("data-drawn", String(rows.length));
      });
  });
})();
