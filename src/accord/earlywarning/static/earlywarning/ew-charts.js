/* Early-warning charts (Apache ECharts). Data comes from json_script elements; no inline code. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var series = data("ew-series-data");
  var seriesEl = document.getElementById("ew-series");
  if (series && seriesEl) {
    var alarms = {};
    series.alarms.forEach(function (p) { alarms[p] = true; });
    var L = series.labels;
    draw(seriesEl, {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 4, data: [L.observed, L.expected, L.upperbound, L.alarm] },
      grid: { left: 40, right: 16, top: 44, bottom: 32 },
      xAxis: { type: "category", data: series.periods, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: L.observed, type: "bar", data: series.observed, itemStyle: { color: "#4a7fa7" } },
        { name: L.expected, type: "line", data: series.expected, connectNulls: false, symbol: "none",
          lineStyle: { type: "dashed" }, itemStyle: { color: "#555" } },
        { name: L.upperbound, type: "line", data: series.upperbound, connectNulls: false, symbol: "none",
          itemStyle: { color: "#b3261e" } },
        { name: L.alarm, type: "scatter", symbolSize: 12, itemStyle: { color: "#b3261e" },
          data: series.periods.map(function (p, i) { return alarms[p] ? [p, series.observed[i]] : null; })
            .filter(function (x) { return x !== null; }) }
      ]
    });
  }

  var tree = data("ew-map-data");
  var mapEl = document.getElementById("ew-map");
  if (tree && mapEl) {
    draw(mapEl, {
      animation: false,
      tooltip: { formatter: function (info) { return info.name + ": " + info.value; } },
      series: [{
        type: "treemap", data: tree, leafDepth: 2, roam: false,
        label: { show: true, formatter: "{b}: {c}" },
        upperLabel: { show: true, height: 22, formatter: function (p) {
          return p.name ? p.name + ": " + p.value : "";  // the unnamed root shows nothing
        } },
        levels: [
          { upperLabel: { show: false }, itemStyle: { borderColor: "#777", borderWidth: 2, gapWidth: 2 } },
          { colorSaturation: [0.35, 0.6], itemStyle: { borderColorSaturation: 0.6, gapWidth: 1 } }
        ]
      }]
    });
  }
})();
