// Draws the check-in charts with Chart.js (static/vendor/chart.umd.min.js, built from npm)
// from the JSON block each chart box names (json_script). Every calendar week is a point on
// the axis; a week without a check-in is null, drawn as a gap. Without JavaScript the page
// still shows the summary and the table of check-ins.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;

  var css = getComputedStyle(document.documentElement);
  function colour(name, fallback) {
    return (css.getPropertyValue(name) || fallback).trim();
  }
  var RUN = colour("--c-primary", "#1d5c57");
  var WALK = "#8fc1b5";
  var ENERGY = colour("--c-low", "#2c5282");
  var MOOD = "#2f7d4f";
  var SLEEP = "#6b4fa0";
  var PAIN = colour("--c-high", "#a3231a");
  var SYMPTOM = colour("--c-accent", "#b4532a");
  var CLIMB = "#7a5c2e";
  var BASE = {
    responsive: true, maintainAspectRatio: false, animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom" } }
  };

  function options(scales) {
    return Object.assign({}, BASE, { scales: scales });
  }

  function pointStyles(d) {
    return d.symptoms.map(function (flag) { return flag ? "triangle" : "circle"; });
  }

  function line(label, data, colour_, extra) {
    return Object.assign(
      { label: label, data: data, borderColor: colour_, backgroundColor: colour_, spanGaps: false },
      extra || {}
    );
  }

  function loadChart(canvas, d) {
    var symptomMarks = d.symptoms.map(function (flag, i) {
      return flag ? (d.run[i] || 0) + (d.walk[i] || 0) : null;
    });
    var climbed = (d.elevation || []).some(function (m) { return m > 0; });
    return new Chart(canvas, {
      data: {
        labels: d.labels,
        datasets: [
          { type: "bar", label: "Running (min)", data: d.run, backgroundColor: RUN, stack: "m" },
          { type: "bar", label: "Walking (min)", data: d.walk, backgroundColor: WALK, stack: "m" },
          {
            type: "line", label: "Symptoms reported", data: symptomMarks, showLine: false,
            pointStyle: "triangle", pointRadius: 8, pointBackgroundColor: SYMPTOM,
            borderColor: SYMPTOM
          }
        ].concat(climbed ? [
          // Metres climbed (from her activity files) on an axis of its own, for the trail stages.
          line("Climb (m)", d.elevation, CLIMB, {
            type: "line", yAxisID: "climb", borderDash: [4, 3], pointStyle: "rectRot"
          })
        ] : [])
      },
      options: options({
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "minutes" } },
        climb: {
          type: "linear", position: "right", beginAtZero: true, display: climbed,
          grid: { drawOnChartArea: false }, title: { display: true, text: "metres climbed" }
        }
      })
    });
  }

  function scoresChart(canvas, d) {
    var styles = pointStyles(d);
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          line("Energy", d.energy, ENERGY, { pointStyle: styles }),
          line("Mood", d.mood, MOOD, { pointStyle: styles, borderDash: [2, 3] }),
          line("Sleep quality", d.sleep_quality, SLEEP, { pointStyle: styles, borderDash: [6, 4] })
        ]
      },
      options: options({
        y: { min: 1, max: 5, ticks: { stepSize: 1 }, title: { display: true, text: "1 low – 5 good" } }
      })
    });
  }

  function painChart(canvas, d) {
    var styles = pointStyles(d);
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          line("Pain (0–10)", d.pain, PAIN, { yAxisID: "pain", pointStyle: styles, pointRadius: 4 }),
          line("Sleep (hours)", d.sleep, SLEEP, { yAxisID: "hours", borderDash: [6, 4], pointStyle: styles })
        ]
      },
      options: options({
        pain: { type: "linear", position: "left", min: 0, max: 10, ticks: { stepSize: 2 }, title: { display: true, text: "pain, 0–10" } },
        hours: { type: "linear", position: "right", min: 0, max: 12, grid: { drawOnChartArea: false }, title: { display: true, text: "sleep, hours" } }
      })
    });
  }

  var DRAW = { load: loadChart, scores: scoresChart, pain: painChart };

  document.querySelectorAll("[data-charts]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-charts"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.weeks.length) { box.hidden = true; return; }
    box.querySelectorAll("[data-chart]").forEach(function (canvas) {
      var draw = DRAW[canvas.getAttribute("data-chart")];
      if (draw) draw(canvas, data);
    });
  });
})();
