// Draws the check-in charts with Chart.js (static/vendor/chart.umd.min.js, built from npm).
// Without JavaScript the page still shows the summary and the table of check-ins.
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
  var SLEEP = "#6b4fa0";
  var PAIN = colour("--c-high", "#a3231a");
  var SYMPTOM = colour("--c-accent", "#b4532a");
  var CLIMB = "#7a5c2e";

  function loadChart(canvas, d) {
    var symptomMarks = d.symptoms.map(function (flag, i) {
      return flag ? d.run[i] + d.walk[i] : null;
    });
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
        ].concat((d.elevation || []).some(function (m) { return m > 0; }) ? [{
          // Metres climbed (from her activity files), beside the minutes, for the trail stages.
          type: "line", label: "Climb (m)", data: d.elevation, yAxisID: "climb",
          borderColor: CLIMB, backgroundColor: CLIMB, borderDash: [4, 3], pointStyle: "rectRot"
        }] : [])
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "minutes" } },
          climb: { type: "linear", position: "right", beginAtZero: true, display: (d.elevation || []).some(function (m) { return m > 0; }), grid: { drawOnChartArea: false }, title: { display: true, text: "metres climbed" } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function wellbeingChart(canvas, d) {
    function pointStyles() {
      return d.symptoms.map(function (flag) { return flag ? "triangle" : "circle"; });
    }
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: "Energy (1–5)", data: d.energy, borderColor: ENERGY, backgroundColor: ENERGY, yAxisID: "score", pointStyle: pointStyles() },
          { label: "Sleep (hours)", data: d.sleep, borderColor: SLEEP, backgroundColor: SLEEP, yAxisID: "hours", borderDash: [6, 4], pointStyle: pointStyles() },
          { label: "Pain (0–10)", data: d.pain, borderColor: PAIN, backgroundColor: PAIN, yAxisID: "score", pointStyle: pointStyles(), pointRadius: 4 }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          score: { type: "linear", position: "left", min: 0, max: 10, title: { display: true, text: "score" } },
          hours: { type: "linear", position: "right", min: 0, max: 14, grid: { drawOnChartArea: false }, title: { display: true, text: "hours" } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  document.querySelectorAll("[data-charts]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-charts"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.weeks.length) { box.hidden = true; return; }
    var load = box.querySelector('[data-chart="load"]');
    var wellbeing = box.querySelector('[data-chart="wellbeing"]');
    if (load) loadChart(load, data);
    if (wellbeing) wellbeingChart(wellbeing, data);
  });
})();
