// Statistics page: run each section's query on /sparql and draw it with Chart.js.
(function () {
  "use strict";
  var PALETTE = ["#0b5394", "#c0504d", "#4f8a10", "#8064a2", "#e69500", "#4bacc6", "#7f7f7f", "#9c2a1d", "#2e7d6f", "#b565a7"];

  function runQuery(text) {
    var body = new URLSearchParams({ query: text });
    return fetch("/sparql", { method: "POST", body: body, headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }

  function value(binding, name) { return binding[name] ? binding[name].value : ""; }

  function datasets(result, cfg) {
    var vars = result.head.vars, rows = result.results.bindings, x = vars[0];
    var labels = [], seen = {};
    rows.forEach(function (b) { var l = value(b, x); if (!seen[l]) { seen[l] = true; labels.push(l); } });
    if (!cfg.series) {
      var data = labels.map(function (l) { var b = rows.find(function (r) { return value(r, x) === l; }); return Number(value(b, cfg.value)); });
      if (cfg.kind === "cumulative") {
        // every year from the first to the last, so that a year without change keeps its place
        var byYear = {}; labels.forEach(function (l, i) { byYear[l] = data[i]; });
        var first = Number(labels[0]), last = Number(labels[labels.length - 1]);
        if (labels.every(function (l) { return /^\d+$/.test(l); })) {
          labels = []; for (var y = first; y <= last; y++) { labels.push(String(y)); }
          data = labels.map(function (l) { return byYear[l] || 0; });
        }
        var sum = 0; data = data.map(function (d) { sum += d; return sum; });
      }
      return { labels: labels, sets: [{ label: cfg.value, data: data, backgroundColor: PALETTE[0], borderColor: PALETTE[0] }] };
    }
    var names = [];
    rows.forEach(function (b) { var s = value(b, cfg.series); if (names.indexOf(s) < 0) { names.push(s); } });
    var sets = names.map(function (name, i) {
      return { label: name, backgroundColor: PALETTE[i % PALETTE.length], data: labels.map(function (l) {
        var b = rows.find(function (r) { return value(r, x) === l && value(r, cfg.series) === name; });
        return b ? Number(value(b, cfg.value)) : 0; }) };
    });
    return { labels: labels, sets: sets };
  }

  function draw(canvas, result, cfg) {
    var d = datasets(result, cfg);
    var line = cfg.kind === "cumulative" || cfg.kind === "line";
    canvas.chart = new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: d.labels, datasets: d.sets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: !line && d.labels.length > 12 ? "y" : "x",
        scales: { x: { stacked: !!cfg.series }, y: { stacked: !!cfg.series, beginAtZero: true } } }
    });
    canvas.setAttribute("data-drawn", String(d.labels.length));
    canvas.setAttribute("aria-label", canvas.getAttribute("aria-label") + ": " + d.labels.length + " bars or points");
  }

  window.icjDraw = draw;
  document.querySelectorAll(".chart-block").forEach(function (section) {
    var canvas = section.querySelector("canvas");
    var cfg = { kind: section.dataset.kind, value: section.dataset.value, series: section.dataset.series };
    runQuery(section.querySelector("pre code").textContent)
      .then(function (result) { draw(canvas, result, cfg); })
      .catch(function (err) { canvas.insertAdjacentText("afterend", "The query failed: " + err.message); });
  });
})();
