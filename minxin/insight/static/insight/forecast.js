/* Draws the demand forecasts with ECharts (the copy served by the analytics app): the last
   weeks' volumes, the forecast and its 80% interval. The same figures are in the tables
   below each chart, so nothing is lost without script or to a screen reader. */
(function () {
  "use strict";
  var source = document.getElementById("forecast-data");
  if (!source || typeof echarts === "undefined") return;
  JSON.parse(source.textContent).forEach(function (chart) {
    var el = document.getElementById(chart.id);
    if (!el) return;
    el.hidden = false;
    var plot = echarts.init(el, null, { renderer: "canvas" });
    var pad = function (n) { var a = []; for (var i = 0; i < n; i++) a.push("-"); return a; };
    var history = chart.recent.length;
    plot.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: ["实际", "预测"] },
      grid: { left: 48, right: 16, top: 32, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: chart.weeks },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "实际", type: "line", data: chart.recent.concat(pad(chart.mean.length)) },
        { name: "预测", type: "line", lineStyle: { type: "dashed" },
          data: pad(history).concat(chart.mean) },
        { name: "区间下限", type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          data: pad(history).concat(chart.low) },
        { name: "80%区间", type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          areaStyle: { opacity: 0.25 }, data: pad(history).concat(chart.width) }
      ]
    });
    window.addEventListener("resize", function () { plot.resize(); });
  });
})();
