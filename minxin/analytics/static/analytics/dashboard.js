/* Draws the dashboard's charts with ECharts (served from this site: echarts-5.6.0/, Apache-2.0).
   Each chart repeats a table that stays on the page, with its text summary, so nothing is
   lost without script, to a screen reader or in high contrast. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") return;
  var charts = JSON.parse(source.textContent);
  charts.forEach(function (chart) {
    var el = document.getElementById(chart.id);
    if (!el) return;
    el.hidden = false;
    var plot = echarts.init(el, null, { renderer: "canvas" });
    plot.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: "auto", rotate: chart.categories.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: chart.series.map(function (s) {
        return { name: s.name, type: chart.kind, data: s.data.map(function (v) { return v === null ? "-" : v; }) };
      })
    });
    window.addEventListener("resize", function () { plot.resize(); });
  });
})();
