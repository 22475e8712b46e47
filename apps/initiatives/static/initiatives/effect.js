// An initiative's NPS before and after, and their difference, each with its 95 % interval, as
// horizontal bars on one axis of NPS points. Reads <canvas data-initiative-effect="ID"> and the
// <script type="application/json" id="ID"> json_script wrote; every label comes from that data
// (translated on the server). Load after static/vendor/chartjs/chart.umd.min.js, both `defer`.
(function () {
  "use strict";

  function colour(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  const COLOURS = {
    level: ["--chart-series-3", "#2f6db3"],
    improved: ["--chart-managed", "#17845b"],
    worsened: ["--chart-series-2", "#c2571a"],
    cannot_tell: ["--chart-planned", "#5b6674"],
  };

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.initiativeEffect || "");
    if (!source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const rows = data.rows || [];
    const locale = document.documentElement.lang || undefined;
    const format = (value) => Number(value).toLocaleString(locale, { maximumFractionDigits: 1 });
    const colours = rows.map((row) => colour.apply(null, COLOURS[row.kind] || COLOURS.level));
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((row) => row.label),
        datasets: [
          {
            // A floating bar from the interval's low to its high end; the figure is drawn as a point.
            label: data.axis,
            data: rows.map((row) => [row.low, row.high]),
            backgroundColor: colours.map((value) => value + "55"),
            borderColor: colours,
            borderWidth: 1,
            barPercentage: 0.5,
          },
          {
            type: "scatter",
            label: data.valueLabel,
            data: rows.map((row) => ({ x: row.value, y: row.label })),
            backgroundColor: colours,
            borderColor: colours,
            pointRadius: 5,
          },
        ],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const row = rows[item.dataIndex];
                return row.label + ": " + format(row.value) + " (" + format(row.low) + " … " + format(row.high) + ")";
              },
            },
          },
        },
        scales: {
          x: {
            title: { display: true, text: data.axis },
            grid: { color: (ctx) => (ctx.tick && ctx.tick.value === 0 ? colour("--chart-zero", "#aab4bf") : colour("--chart-grid", "#e7ebf0")), lineWidth: (ctx) => (ctx.tick && ctx.tick.value === 0 ? 2 : 1) },
          },
          y: { type: "category" },
        },
      },
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-initiative-effect]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
