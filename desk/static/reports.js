/* Activity charts (Chart.js 4 + chartjs-chart-matrix), drawn from the page's JSON. */
(function () {
  "use strict";
  var node = document.getElementById("report-data");
  if (!node || !window.Chart) { return; }
  var data = JSON.parse(node.textContent);
  var a = data.activity, L = data.labels;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 12;

  function box(id) {
    var canvas = document.getElementById(id);
    canvas.parentNode.style.position = "relative";
    canvas.style.height = "18rem";
    return canvas;
  }

  // Weekday x hour heatmap: only the hours that had a call, so a phone shows them large.
  var hours = [];
  for (var h = 0; h < 24; h++) {
    for (var d = 0; d < 7; d++) { if (a.heatmap[d][h]) { hours.push(h); break; } }
  }
  if (!hours.length) { hours = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]; }
  var lo = hours[0], hi = hours[hours.length - 1], cells = [], most = 1;
  for (var day = 0; day < 7; day++) {
    for (var hour = lo; hour <= hi; hour++) {
      var n = a.heatmap[day][hour];
      most = Math.max(most, n);
      cells.push({ x: String(hour).padStart(2, "0") + "h", y: L.days[day], v: n });
    }
  }
  var hourLabels = [];
  for (var k = lo; k <= hi; k++) { hourLabels.push(String(k).padStart(2, "0") + "h"); }
  new Chart(box("heatmap-canvas"), {
    type: "matrix",
    data: { datasets: [{
      label: L.calls, data: cells,
      backgroundColor: function (c) {
        var v = c.raw ? c.raw.v : 0;
        return v ? "rgba(26, 86, 160," + (0.15 + 0.85 * v / most) + ")" : "#f4f5f8";
      },
      borderColor: "#fff", borderWidth: 1,
      width: function (c) { var ch = c.chart.chartArea || {}; return ((ch.right - ch.left) || 0) / hourLabels.length - 1; },
      height: function (c) { var ch = c.chart.chartArea || {}; return ((ch.bottom - ch.top) || 0) / 7 - 1; }
    }] },
    options: {
      plugins: { legend: { display: false }, tooltip: { callbacks: {
        title: function (items) { var r = items[0].raw; return r.y + " " + r.x; },
        label: function (item) { return L.calls + ": " + item.raw.v; }
      } } },
      scales: {
        x: { type: "category", labels: hourLabels, offset: true, grid: { display: false } },
        y: { type: "category", labels: L.days, offset: true, reverse: false, grid: { display: false } }
      }
    }
  });

  new Chart(box("weekly-canvas"), {
    type: "line",
    data: {
      labels: L.weeks,
      datasets: [
        { label: L.offered, data: a.weekly.map(function (w) { return w.offered; }), borderColor: "#1a56a0", backgroundColor: "#1a56a0", tension: 0.2 },
        { label: L.answered, data: a.weekly.map(function (w) { return w.answered; }), borderColor: "#2e8b57", backgroundColor: "#2e8b57", tension: 0.2 }
      ]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: "bottom" } } }
  });

  var buckets = a.wait_distribution;
  new Chart(box("waits-canvas"), {
    type: "bar",
    data: {
      labels: buckets.map(function (b, i) {
        return b.up_to === null ? "> " + buckets[i - 1].up_to + " " + L.seconds : "≤ " + b.up_to + " " + L.seconds;
      }),
      datasets: [{ label: L.calls, data: buckets.map(function (b) { return b.calls; }), backgroundColor: "#1a56a0" }]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
  });

  var people = a.secretaries;
  new Chart(box("secretaries-canvas"), {
    type: "bar",
    data: {
      labels: people.map(function (s) { return s.name; }),
      datasets: [
        { label: L.answered, data: people.map(function (s) { return s.answered; }), backgroundColor: "#1a56a0", xAxisID: "x" },
        { label: L.talk, data: people.map(function (s) { return Math.round(s.talk_seconds / 6) / 10; }), backgroundColor: "#f0a030", xAxisID: "x2" }
      ]
    },
    options: {
      indexAxis: "y",
      scales: {
        x: { beginAtZero: true, position: "bottom", ticks: { precision: 0 } },
        x2: { beginAtZero: true, position: "top", grid: { display: false } }
      },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
