// Dashboard charts: draws every <canvas data-chart="KIND" data-source="ID"> with Chart.js,
// reading its data from the <script type="application/json" id="ID"> that Django's
// json_script wrote. Every label comes from that data (translated on the server), so
// this file holds no text of its own. Load after static/vendor/chartjs/chart.umd.min.js,
// both with `defer`. The data shapes are documented above each kind below.
(function () {
  "use strict";

  const FALLBACK = {
    "--ink": "#16202b",
    "--chart-text": "#4a5868",
    "--chart-grid": "#e7ebf0",
    "--chart-zero": "#aab4bf",
    "--chart-series-1": "#0b6e69",
    "--chart-series-2": "#c2571a",
    "--chart-series-3": "#2f6db3",
    "--chart-series-4": "#7b4fb8",
    "--chart-series-5": "#8a6d00",
    "--chart-target": "#16202b",
    "--chart-managed": "#17845b",
    "--chart-designed": "#2f6db3",
    "--chart-adhoc": "#d99a1e",
    "--chart-planned": "#5b6674",
    "--chart-measured": "#0b6e69",
    "--chart-observed": "#c2571a",
    "--chart-peak": "#b7791f",
    "--chart-end": "#5b3aa8",
    "--font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  };
  // Bottom to top in stacked charts: the top edge of "designed" is then the share at designed or above.
  const LEVELS = ["managed", "designed", "ad_hoc"];
  const LEVEL_COLOUR = { managed: "--chart-managed", designed: "--chart-designed", ad_hoc: "--chart-adhoc" };

  let styles = null;
  function colour(name) {
    if (!styles) styles = getComputedStyle(document.documentElement);
    const value = styles.getPropertyValue(name).trim();
    return value || FALLBACK[name] || "#5b6674";
  }

  function seriesColour(index) {
    return colour("--chart-series-" + ((index % 5) + 1));
  }

  // "#0b6e69" or "rgb(11, 110, 105)" with an alpha; other notations are returned unchanged.
  function withAlpha(value, alpha) {
    let rgb = null;
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
    if (hex) {
      let digits = hex[1];
      if (digits.length === 3) digits = digits.replace(/./g, "$&$&");
      rgb = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16));
    } else {
      const fn = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(value);
      if (fn) rgb = [fn[1], fn[2], fn[3]].map(Number);
    }
    return rgb ? "rgba(" + rgb.join(", ") + ", " + alpha + ")" : value;
  }

  const locale = document.documentElement.lang || undefined;
  const formats = {};
  function number(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    const key = String(digits);
    if (!formats[key]) {
      formats[key] = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    }
    return formats[key].format(value);
  }
  function signed(value, digits) {
    const text = number(value, digits);
    return value > 0 ? "+" + text : text.replace("-", "−");
  }
  function withUnit(text, unit) {
    return unit ? text + unit : text;
  }

  // Long category names wrap onto lines of about `width` characters (Chart.js draws arrays as lines).
  function wrap(label, width) {
    const text = String(label === null || label === undefined ? "" : label);
    if (text.length <= width) return text;
    const lines = [];
    let line = "";
    text.split(/\s+/).forEach((word) => {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    if (lines.length > 3) {
      lines.length = 3;
      lines[2] = lines[2].replace(/.?$/, "…");
    }
    return lines;
  }

  function shorten(label, width) {
    const text = String(label === null || label === undefined ? "" : label);
    return text.length > width ? text.slice(0, width - 1).replace(/\s+$/, "") + "…" : text;
  }

  function narrow(chart, below) {
    return chart.width < below;
  }

  // Django's JSON encoder writes Decimal values as strings; numbers arrive either way.
  function optionalNumber(value) {
    return value === null || value === undefined || value === "" ? undefined : Number(value);
  }

  function listOf(values, length) {
    const out = [];
    for (let i = 0; i < length; i += 1) {
      const value = values && values[i];
      out.push(value === null || value === undefined || value === "" ? null : Number(value));
    }
    return out;
  }

  function titleFrom(labels, titles) {
    const source = Array.isArray(titles) && titles.length === labels.length ? titles : labels;
    return (items) => (items.length ? String(source[items[0].dataIndex]) : "");
  }

  function legend(extra) {
    return Object.assign(
      {
        position: "bottom",
        labels: {
          usePointStyle: true,
          boxWidth: 10,
          boxHeight: 10,
          padding: 14,
          // Helper datasets (the margin band's lower edge, an unnamed target) stay out of the legend.
          filter: (item) => Boolean(item.text),
        },
      },
      extra || {},
    );
  }

  // Lines appear in the legend as short lines (dashed when the line is), not as dots.
  function lineLegend(options) {
    const labels = options.plugins.legend.labels;
    labels.pointStyleWidth = 26;
    labels.generateLabels = (chart) =>
      Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
        const dataset = chart.data.datasets[item.datasetIndex];
        if (!dataset || dataset.isBand) return item;
        return Object.assign(item, {
          pointStyle: "line",
          strokeStyle: dataset.borderColor,
          lineWidth: 3,
          lineDash: dataset.borderDash || [],
        });
      });
  }

  function baseOptions() {
    return {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      layout: { padding: { top: 6, right: 8 } },
      plugins: {
        legend: legend(),
        tooltip: {
          // Band edges and other helper datasets carry no tooltip line of their own.
          filter: (item) => Boolean(item.dataset.label) && item.raw !== null && item.raw !== undefined,
          padding: 10,
          boxPadding: 4,
          usePointStyle: true,
        },
      },
    };
  }

  function zeroLine(context) {
    return context.tick && context.tick.value === 0 ? colour("--chart-zero") : colour("--chart-grid");
  }

  function gridOptions(extra) {
    return Object.assign({ grid: { color: colour("--chart-grid") }, border: { display: false } }, extra || {});
  }

  /* score-trend
   * {labels: ["2026-W01", ...],
   *  series: [{label: "NPS", values: [12, null, ...], low: [...], high: [...], answers: [40, 0, ...]}],
   *  target: 30 | null, y_min: -100, y_max: 100, unit: "", few: 5,
   *  names: {target: "Target", margin: "95% margin",   (optional; without them no legend entry)
   *          answers: "Answers", few: "too few to read much into"}}
   * A line per series with its 95 % margin as a shaded band between low and high, a dashed
   * target line, and gaps where a period has no answers. A point from fewer than `few`
   * answers is hollow and the line to it dashed; the tooltip gives each point's answers. */
  function scoreTrend(data) {
    const labels = data.labels || [];
    const names = data.names || {};
    const unit = data.unit || "";
    const digits = data.digits === undefined ? 1 : data.digits;
    const datasets = [];
    const margins = {};
    const counts = {};
    const few = optionalNumber(data.few) || 0;
    (data.series || []).forEach((series, index) => {
      const line = seriesColour(index);
      const values = listOf(series.values, labels.length);
      const answers = Array.isArray(series.answers) ? listOf(series.answers, labels.length) : null;
      const thin = values.map((value, i) => value !== null && answers !== null && answers[i] < few);
      const hasBand = Array.isArray(series.low) && Array.isArray(series.high);
      if (hasBand) {
        const low = listOf(series.low, labels.length);
        const high = listOf(series.high, labels.length);
        datasets.push({
          label: "",
          data: low,
          borderWidth: 0,
          pointRadius: 0,
          pointHitRadius: 0,
          fill: false,
          spanGaps: false,
          order: 3,
        });
        datasets.push({
          label: index === 0 && names.margin ? names.margin : "",
          data: high,
          borderWidth: 0,
          pointRadius: 0,
          pointHitRadius: 0,
          backgroundColor: withAlpha(line, 0.16),
          borderColor: withAlpha(line, 0.16),
          pointStyle: "rect",
          fill: "-1",
          spanGaps: false,
          order: 3,
          isBand: true,
        });
        margins[datasets.length] = low.map((lo, i) => (lo === null || high[i] === null ? null : (high[i] - lo) / 2));
      }
      if (answers) counts[datasets.length] = answers;
      datasets.push({
        label: series.label || "",
        data: values,
        borderColor: line,
        backgroundColor: line,
        pointBackgroundColor: thin.map((isThin) => (isThin ? "#ffffff" : line)),
        pointBorderWidth: thin.map((isThin) => (isThin ? 2 : 1)),
        borderWidth: 2.5,
        pointRadius: 3,
        pointHoverRadius: 5,
        segment: { borderDash: (ctx) => (thin[ctx.p0DataIndex] || thin[ctx.p1DataIndex] ? [5, 4] : undefined) },
        cubicInterpolationMode: "monotone",
        spanGaps: false,
        fill: false,
        order: 1,
      });
    });
    if (data.target !== null && data.target !== undefined) {
      const target = colour("--chart-target");
      datasets.push({
        label: names.target || "",
        data: labels.map(() => Number(data.target)),
        borderColor: target,
        backgroundColor: target,
        borderWidth: 1.5,
        borderDash: [6, 4],
        pointRadius: 0,
        pointHitRadius: 0,
        pointStyle: "line",
        fill: false,
        order: 2,
      });
    }
    const options = baseOptions();
    const yMin = optionalNumber(data.y_min);
    const yMax = optionalNumber(data.y_max);
    const short = yMin !== undefined && yMax !== undefined && yMax - yMin <= 10;
    options.scales = {
      x: gridOptions({ grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } }),
      y: gridOptions({
        min: yMin,
        max: yMax,
        ticks: {
          callback: (value) => withUnit(number(value, 1), unit),
          maxTicksLimit: short ? 11 : 6,
          stepSize: short ? 1 : undefined,
        },
        grid: { color: zeroLine },
      }),
    };
    lineLegend(options);
    options.plugins.tooltip.filter = (item) =>
      Boolean(item.dataset.label) && !item.dataset.isBand && item.raw !== null && item.raw !== undefined;
    options.plugins.tooltip.callbacks = {
      title: titleFrom(labels, data.titles),
      label: (item) => {
        let text = item.dataset.label + ": " + withUnit(number(item.raw, digits), unit);
        const margin = margins[item.datasetIndex];
        if (margin && margin[item.dataIndex] !== null) {
          text += " (±" + withUnit(number(margin[item.dataIndex], 1), unit) + ")";
        }
        return text;
      },
      afterLabel: (item) => {
        const answers = counts[item.datasetIndex];
        if (!answers || answers[item.dataIndex] === null || !names.answers) return "";
        const count = answers[item.dataIndex];
        let text = names.answers + ": " + number(count, 0);
        if (count < few && names.few) text += " – " + names.few;
        return text;
      },
    };
    return { type: "line", data: { labels: labels, datasets: datasets }, options: options };
  }

  /* maturity-trend
   * {labels: ["2026-01-05", ...], shares: {managed: [..], designed: [..], ad_hoc: [..]},
   *  names: {managed: "Managed", designed: "Designed", ad_hoc: "Ad hoc"}, unit: " %" (optional)}
   * A 100 % stacked area of the maturity distribution over time. */
  function maturityTrend(data) {
    const labels = data.labels || [];
    const names = data.names || {};
    const shares = data.shares || {};
    const unit = data.unit === undefined ? "%" : data.unit;
    const datasets = LEVELS.filter((level) => shares[level]).map((level, index) => {
      const base = colour(LEVEL_COLOUR[level]);
      return {
        label: names[level] || level,
        data: listOf(shares[level], labels.length),
        borderColor: base,
        backgroundColor: withAlpha(base, 0.75),
        borderWidth: 1.5,
        pointRadius: labels.length === 1 ? 4 : 0,
        pointHoverRadius: 4,
        pointStyle: "rect",
        fill: index === 0 ? "origin" : "-1",
        cubicInterpolationMode: "monotone",
      };
    });
    const options = baseOptions();
    options.scales = {
      x: gridOptions({ grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } }),
      y: gridOptions({
        stacked: true,
        min: 0,
        max: 100,
        ticks: { stepSize: 25, callback: (value) => withUnit(number(value, 0), unit) },
      }),
    };
    options.plugins.tooltip.callbacks = {
      label: (item) => item.dataset.label + ": " + withUnit(number(item.raw, 1), unit),
    };
    options.plugins.tooltip.itemSort = (a, b) => b.datasetIndex - a.datasetIndex;
    return { type: "line", data: { labels: labels, datasets: datasets }, options: options };
  }

  // Writes each segment's share inside a stacked bar when it fits.
  const segmentLabels = {
    id: "segmentLabels",
    afterDatasetsDraw(chart, args, opts) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = "600 12px " + colour("--font");
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      chart.data.datasets.forEach((dataset, index) => {
        const meta = chart.getDatasetMeta(index);
        if (meta.hidden) return;
        meta.data.forEach((bar, i) => {
          const value = dataset.data[i];
          if (!value) return;
          const text = withUnit(number(value, 0), opts.unit);
          const width = Math.abs(bar.x - bar.base);
          if (ctx.measureText(text).width + 10 > width) return;
          ctx.fillStyle = dataset.labelColour || "#fff";
          ctx.fillText(text, (bar.x + bar.base) / 2, bar.y);
        });
      });
      ctx.restore();
    },
  };

  /* maturity-distribution
   * {shares: {managed: 40.0, designed: 35.0, ad_hoc: 25.0}, names: {...}, unit: " %" (optional)}
   * One horizontal 100 % stacked bar (use the .chart-box--short container). */
  function maturityDistribution(data) {
    const names = data.names || {};
    const shares = data.shares || {};
    const unit = data.unit === undefined ? "%" : data.unit;
    const datasets = LEVELS.filter((level) => shares[level] !== undefined).map((level) => ({
      label: names[level] || level,
      data: [Number(shares[level]) || 0],
      backgroundColor: colour(LEVEL_COLOUR[level]),
      borderColor: "#fff",
      borderWidth: { left: 0, right: 2, top: 0, bottom: 0 },
      borderSkipped: false,
      barThickness: 34,
      pointStyle: "rect",
      labelColour: level === "ad_hoc" ? colour("--ink") : "#fff",
    }));
    const options = baseOptions();
    options.indexAxis = "y";
    options.interaction = { mode: "nearest", intersect: true };
    options.scales = {
      x: gridOptions({
        stacked: true,
        min: 0,
        max: 100,
        ticks: { stepSize: 25, callback: (value) => withUnit(number(value, 0), unit) },
      }),
      y: { stacked: true, display: false },
    };
    options.plugins.tooltip.callbacks = {
      title: () => "",
      label: (item) => item.dataset.label + ": " + withUnit(number(item.raw, 1), unit),
    };
    options.plugins.segmentLabels = { unit: unit };
    return {
      type: "bar",
      data: { labels: [""], datasets: datasets },
      options: options,
      plugins: [segmentLabels],
    };
  }

  /* emotion-curve
   * {labels: ["Touchpoint A", ...], planned: [1, 2, -1, ...], measured: [0.4, null, ...],
   *  observed: [0.8, ...], peak: [false, true, ...], end: [false, ..., true],
   *  names: {planned: "Planned", measured: "Customers' answers", observed: "Staff's reading",
   *          peak: "Peak", end: "End"   (optional: named in the tooltip)},
   *  scale_labels: {"-2": "Very unhappy", ..., "2": "Delighted"} (optional)}
   * Lines on the −2..+2 feeling scale; planned dashed; peak and end moments drawn bigger
   * (triangle for the peak, diamond for the end). */
  function emotionCurve(data) {
    const labels = data.labels || [];
    const names = data.names || {};
    const scale = data.scale_labels || {};
    const peak = labels.map((_, i) => Boolean(data.peak && data.peak[i]));
    const end = labels.map((_, i) => Boolean(data.end && data.end[i]));
    const style = labels.map((_, i) => (peak[i] ? "triangle" : end[i] ? "rectRot" : "circle"));
    const radius = (size) => labels.map((_, i) => (peak[i] || end[i] ? size * 2.2 : size));
    const lines = [
      { key: "planned", colour: "--chart-planned", dash: [6, 5], width: 2, size: 2.5 },
      { key: "measured", colour: "--chart-measured", dash: [], width: 2.75, size: 3.5 },
      { key: "observed", colour: "--chart-observed", dash: [], width: 2.75, size: 3.5 },
    ];
    const datasets = lines
      .filter((line) => Array.isArray(data[line.key]))
      .map((line) => {
        const base = colour(line.colour);
        return {
          label: names[line.key] || line.key,
          data: listOf(data[line.key], labels.length),
          borderColor: base,
          backgroundColor: base,
          borderDash: line.dash,
          borderWidth: line.width,
          pointStyle: style,
          pointRadius: radius(line.size),
          pointHoverRadius: radius(line.size + 1.5),
          pointBorderColor: "#fff",
          pointBorderWidth: 1.5,
          cubicInterpolationMode: "monotone",
          spanGaps: false,
          clip: false,
          fill: false,
        };
      });
    const options = baseOptions();
    options.layout = { padding: { top: 12, right: 14, bottom: 4, left: 4 } };
    lineLegend(options);
    options.scales = {
      x: gridOptions({
        grid: { display: false },
        ticks: {
          maxRotation: 70,
          autoSkip: false,
          font: { size: 11 },
          // Wrapped names side by side while they fit; on a phone shorter names, turned.
          callback: function (value, index) {
            return narrow(this.chart, labels.length * 80) ? shorten(labels[index], 16) : wrap(labels[index], 14);
          },
        },
      }),
      y: gridOptions({
        min: -2,
        max: 2,
        ticks: {
          stepSize: 1,
          callback: function (value) {
            const word = scale[String(value)];
            return word === undefined || narrow(this.chart, 480) ? signed(value, 0) : word;
          },
        },
        grid: { color: zeroLine },
      }),
    };
    options.plugins.tooltip.callbacks = {
      title: titleFrom(labels),
      label: (item) => item.dataset.label + ": " + signed(item.raw, 2),
      footer: (items) => {
        if (!items.length) return "";
        const i = items[0].dataIndex;
        return [peak[i] ? names.peak : null, end[i] ? names.end : null].filter(Boolean).join(" · ");
      },
    };
    return { type: "line", data: { labels: labels, datasets: datasets }, options: options };
  }

  /* volume-bars
   * {labels: ["2026-W01", ...], series: [{label: "Answers", values: [12, 0, ...]}], unit: "" (optional),
   *  titles: ["W1 · 1.1.–4.1.2026 · 4 of 7 days", ...] (optional tooltip titles),
   *  partial: [true, false, ...] (optional: a week or month only partly in the view, drawn lighter)}
   * Plain (grouped) bars from zero. */
  function volumeBars(data) {
    const labels = data.labels || [];
    const unit = data.unit || "";
    const many = (data.series || []).length > 1;
    const partial = Array.isArray(data.partial) ? data.partial : [];
    const datasets = (data.series || []).map((series, index) => ({
      label: series.label || "",
      data: listOf(series.values, labels.length),
      backgroundColor: labels.map((_label, i) => (partial[i] ? withAlpha(seriesColour(index), 0.4) : seriesColour(index))),
      borderRadius: 3,
      maxBarThickness: 36,
      pointStyle: "rect",
    }));
    const options = baseOptions();
    options.plugins.legend.display = many;
    // The legend shows each series in its full colour, whether or not its first bar is a lighter, partial one.
    options.plugins.legend.labels.generateLabels = (chart) =>
      Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
        const colour = seriesColour(item.datasetIndex);
        return Object.assign(item, { fillStyle: colour, strokeStyle: colour });
      });
    options.scales = {
      x: gridOptions({ grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } }),
      y: gridOptions({
        beginAtZero: true,
        ticks: { precision: 0, maxTicksLimit: 6, callback: (value) => withUnit(number(value, 1), unit) },
      }),
    };
    options.plugins.tooltip.callbacks = {
      title: titleFrom(labels, data.titles),
      label: (item) => (item.dataset.label ? item.dataset.label + ": " : "") + withUnit(number(item.raw, 1), unit),
    };
    options.plugins.tooltip.filter = (item) => item.raw !== null && item.raw !== undefined;
    return { type: "bar", data: { labels: labels, datasets: datasets }, options: options };
  }

  /* gap-bars
   * {labels: ["Touchpoint or team", ...], staff: [..], customer: [..],
   *  names: {staff: "Staff's reading", customer: "Customers' answers"},
   *  scale_labels: {"-2": ..., "2": ...} (optional)}
   * Grouped horizontal bars on −2..+2, one row per touchpoint or team. */
  function gapBars(data) {
    const labels = data.labels || [];
    const names = data.names || {};
    const scale = data.scale_labels || {};
    const bars = [
      { key: "staff", colour: "--chart-observed" },
      { key: "customer", colour: "--chart-measured" },
    ];
    const datasets = bars
      .filter((bar) => Array.isArray(data[bar.key]))
      .map((bar) => ({
        label: names[bar.key] || bar.key,
        data: listOf(data[bar.key], labels.length),
        backgroundColor: colour(bar.colour),
        borderRadius: 3,
        maxBarThickness: 16,
        categoryPercentage: 0.7,
        pointStyle: "rect",
      }));
    const options = baseOptions();
    options.indexAxis = "y";
    options.interaction = { mode: "index", intersect: false, axis: "y" };
    options.scales = {
      x: gridOptions({
        min: -2,
        max: 2,
        ticks: {
          stepSize: 1,
          callback: (value) => (scale[String(value)] !== undefined ? scale[String(value)] : signed(value, 0)),
        },
        grid: { color: zeroLine },
      }),
      y: gridOptions({
        grid: { display: false },
        ticks: {
          autoSkip: false,
          callback: function (value, index) {
            return wrap(labels[index], narrow(this.chart, 420) ? 14 : 22);
          },
        },
      }),
    };
    options.plugins.tooltip.callbacks = {
      title: titleFrom(labels),
      label: (item) => item.dataset.label + ": " + signed(item.raw, 2),
    };
    return { type: "bar", data: { labels: labels, datasets: datasets }, options: options };
  }

  const KINDS = {
    "score-trend": scoreTrend,
    "maturity-trend": maturityTrend,
    "maturity-distribution": maturityDistribution,
    "emotion-curve": emotionCurve,
    "volume-bars": volumeBars,
    "gap-bars": gapBars,
  };

  function readData(canvas) {
    const source = document.getElementById(canvas.dataset.source || "");
    if (!source) return null;
    return JSON.parse(source.textContent);
  }

  function render(canvas) {
    const build = KINDS[canvas.dataset.chart];
    if (!build || canvas.dataset.chartReady) return null;
    const data = readData(canvas);
    if (!data) return null;
    // Horizontal bars get taller with more rows, so long lists stay legible in a fixed box.
    if (canvas.dataset.chart === "gap-bars" && canvas.parentElement && (data.labels || []).length > 5) {
      canvas.parentElement.style.height = 64 + 38 * data.labels.length + "px";
    }
    const chart = new Chart(canvas, build(data));
    canvas.dataset.chartReady = "1";
    return chart;
  }

  function renderAll(root) {
    if (!window.Chart) return;
    (root || document).querySelectorAll("canvas[data-chart][data-source]").forEach((canvas) => {
      try {
        render(canvas);
      } catch (error) {
        // One broken chart must not keep the others from drawing.
        console.error("chart", canvas.dataset.chart, error);
      }
    });
  }

  function setDefaults() {
    if (!window.Chart) return;
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (reduce) Chart.defaults.animation = false;
    Chart.defaults.font.family = colour("--font");
    Chart.defaults.font.size = 12;
    Chart.defaults.color = colour("--chart-text");
    Chart.defaults.plugins.tooltip.backgroundColor = withAlpha(colour("--ink"), 0.92);
  }

  window.dashboardCharts = { render: render, renderAll: renderAll };

  function start() {
    setDefaults();
    renderAll(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
