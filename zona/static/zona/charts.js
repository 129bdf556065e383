/*
 * Zona charts and small page helpers (no inline scripts; loaded with `defer` after Chart.js).
 *
 * Charts: <canvas data-zona-chart="ID"> draws the JSON of <script type="application/json" id="ID">
 * ({type: "radar"|"bar", labels, datasets: [{label, data}], max, unit}). Every chart has a data table
 * beside it on the page, so the canvas is decoration for sighted users and the table is the source.
 *
 * Select helper: <button data-zona-select="SELECTOR"> checks every checkbox matching SELECTOR
 * (used on the period form: "select the units in pembangunan or later").
 */
(function () {
  "use strict";

  var COLORS = [
    { line: "rgb(13, 110, 253)", fill: "rgba(13, 110, 253, 0.2)" },
    { line: "rgb(214, 51, 132)", fill: "rgba(214, 51, 132, 0.2)" },
    { line: "rgb(25, 135, 84)", fill: "rgba(25, 135, 84, 0.2)" },
  ];

  function formatNumber(value) {
    if (value === null || value === undefined) {
      return "—";
    }
    return Number(value).toLocaleString("id-ID", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function drawChart(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-zona-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var suffix = spec.unit ? " " + spec.unit : "";
    var datasets = spec.datasets.map(function (dataset, index) {
      var color = COLORS[index % COLORS.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: color.line,
        backgroundColor: spec.type === "radar" ? color.fill : color.line,
        pointBackgroundColor: color.line,
        borderWidth: 2,
      };
    });
    var scale = { beginAtZero: true, suggestedMax: spec.max || undefined, ticks: { callback: formatNumber } };
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = spec.type === "radar" ? context.parsed.r : context.parsed.y;
              return context.dataset.label + ": " + formatNumber(value) + suffix;
            },
          },
        },
      },
      scales: spec.type === "radar" ? { r: Object.assign({ max: spec.max || undefined }, scale) } : { y: scale },
    };
    new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  }

  function bindSelectButtons() {
    document.querySelectorAll("[data-zona-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var boxes = document.querySelectorAll(button.getAttribute("data-zona-select"));
        boxes.forEach(function (box) {
          box.checked = true;
        });
        var status = document.getElementById(button.getAttribute("aria-controls") + "-status");
        if (status) {
          status.textContent = (button.getAttribute("data-zona-done") || "").replace("%s", boxes.length);
        }
      });
    });
  }

  function init() {
    document.querySelectorAll("canvas[data-zona-chart]").forEach(drawChart);
    bindSelectButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
