// Dashboard charts with the vendored Apache ECharts. Data comes from the page (json_script);
// the map's boundaries from /dashboard/areas.geojson. Suppressed cells arrive as null and are
// drawn as gaps, never as zero. Every chart can be saved as PNG.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "en";
  var fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  var palette = ["#0b5c73", "#c2410c", "#6d28d9", "#15803d", "#b91c1c", "#a16207", "#475569"];
  var charts = {};
  var font = 'system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  function value(v) { return v === null || v === undefined ? "—" : fmt.format(v); }

  function ready(id, chart, count) {
    var el = document.getElementById(id);
    chart.on("finished", function () {
      el.setAttribute("data-ready", "true");
      el.setAttribute("data-points", String(count));
    });
  }

  function make(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts[id] = chart;
    return chart;
  }

  function tooltip() {
    return {
      trigger: "axis",
      valueFormatter: function (v) { return v === null || v === undefined ? data.text.suppressed : fmt.format(v); }
    };
  }

  // 1. Intake per month: one line per leading category, and one per area.
  function trendChart(id, rowsOfLines) {
    var chart = make(id);
    if (!chart) { return; }
    var points = 0;
    var lines = rowsOfLines.map(function (line) {
      line.values.forEach(function (v) { if (v !== null) { points += 1; } });
      return { name: line.name, type: "line", smooth: true, connectNulls: false, data: line.values, symbolSize: 5 };
    });
    ready(id, chart, points);
    chart.setOption({
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: tooltip(),
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 48, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: { type: "value", name: data.labels.intake, nameGap: 8, nameTextStyle: { align: "left" } },
      series: lines
    });
  }
  trendChart("chart-trend", data.lines);
  trendChart("chart-area-trend", data.area_lines);

  function bars(id, rows) {
    var chart = make(id);
    if (!chart) { return; }
    var keys = ["intake", "resolved_intake", "overdue"];
    var points = 0;
    var series = keys.map(function (key) {
      return {
        name: data.labels[key], type: "bar",
        data: rows.map(function (r) { if (r[key] !== null) { points += 1; } return r[key]; })
      };
    });
    ready(id, chart, points);
    chart.setOption({
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: tooltip(),
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
               axisLabel: { rotate: rows.length > 5 ? 30 : 0, interval: 0, fontSize: 11 } },
      yAxis: { type: "value" },
      series: series
    });
  }
  // 2. and 3. By area and by category.
  bars("chart-area", data.area_rows);
  bars("chart-category", data.category_rows);

  // 4. The map, coloured by the chosen indicator.
  var indicator = data.indicator;
  var label = data.labels[indicator] || indicator;
  var heading = document.getElementById("map-indicator");
  if (heading) { heading.textContent = label; }
  var mapEl = document.getElementById("chart-map");
  if (mapEl) {
    fetch(data.geojson_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        if (!geo.features || !geo.features.length) {
          mapEl.classList.add("empty-chart");
          mapEl.textContent = data.text.no_map;
          mapEl.setAttribute("data-ready", "true");
          mapEl.setAttribute("data-points", "0");
          return;
        }
        var names = {};
        data.area_rows.forEach(function (r) { names[r.code] = r.name; });
        var values = data.area_rows.map(function (r) { return { name: r.code, value: r[indicator] }; });
        var shown = values.filter(function (v) { return v.value !== null && v.value !== undefined; });
        var nums = shown.map(function (v) { return v.value; });
        var chart = make("chart-map");
        window.echarts.registerMap("accord-areas", geo);
        ready("chart-map", chart, shown.length);
        chart.setOption({
          textStyle: { fontFamily: font },
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var v = p.value;
              var text = (v === undefined || v === null || isNaN(v)) ? data.text.suppressed : fmt.format(v);
              return (names[p.name] || p.name) + "<br>" + label + ": " + text;
            }
          },
          visualMap: {
            type: "continuous", left: 8, bottom: 8, calculable: false,
            min: nums.length ? Math.min.apply(null, nums) : 0,
            max: nums.length ? Math.max.apply(null, nums) : 1,
            inRange: { color: ["#e0f2f1", "#4fa3ab", "#0b5c73", "#062f3b"] },
            text: [value(nums.length ? Math.max.apply(null, nums) : 1), value(nums.length ? Math.min.apply(null, nums) : 0)],
            formatter: function (v) { return fmt.format(v); }
          },
          series: [{
            type: "map", map: "accord-areas", roam: true, nameProperty: "name",
            label: {
              show: true, fontSize: 11, color: "#1d2430", backgroundColor: "rgba(255,255,255,0.85)",
              padding: [2, 4], borderRadius: 3,
              formatter: function (p) { return names[p.name] || ""; }
            },
            emphasis: { label: { show: true } },
            itemStyle: { borderColor: "#ffffff", borderWidth: 1, areaColor: "#eceef1" },
            data: values
          }]
        });
      })
      .catch(function () {
        mapEl.textContent = data.text.no_map;
      });
  }

  // PNG downloads.
  document.querySelectorAll("[data-png]").forEach(function (button) {
    button.addEventListener("click", function () {
      var chart = charts[button.getAttribute("data-png")];
      if (!chart) { return; }
      var link = document.createElement("a");
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
      link.download = (button.getAttribute("data-name") || "chart") + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    }, 150);
  });
})();
