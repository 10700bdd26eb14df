// Charts drawn from data the page puts in <script type="application/json"> blocks (Django's json_script),
// never from inline script: <div data-chart="trend" data-source="trend-data"></div>.
// Names reach ECharts as data and are shown as text: tooltips are formatted here with tuijin.text (tuijin.js), never
// from HTML in data, and kept inside the chart with tuijin.tooltip (no inline style the policy would refuse).
(function () {
  "use strict";
  function data(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }
  var text = window.tuijin.text, tooltip = window.tuijin.tooltip;
  function ink() {
    return document.body.classList.contains("cockpit-screen") ? "#e3ecf7" : "#333";
  }
  var renderers = {
    // this year against last year, month by month
    trend: function (chart, d) {
      chart.setOption({
        tooltip: tooltip({trigger: "axis", formatter: function (items) {
          return items.map(function (p) {
            return text(p.seriesName) + ":" + (p.value == null ? "—" : text(p.value.toFixed ? p.value.toFixed(2) : p.value));
          }).join("<br>");
        }}),
        textStyle: {color: ink()},
        legend: {data: [d.this_label, d.last_label], textStyle: {color: ink()}},
        grid: {left: 12, right: 20, top: 48, bottom: 24, containLabel: true},
        xAxis: {type: "category", data: d.months, axisLabel: {color: ink()}},
        yAxis: {type: "value", name: d.name ? d.name + "(" + d.unit + ")" : d.unit,
                nameTextStyle: {align: "left", color: ink()}, axisLabel: {color: ink()}},
        series: [
          {name: d.this_label, type: "line", data: d.this_year, smooth: true, connectNulls: false,
           lineStyle: {width: 3}, itemStyle: {color: "#c62828"}},
          {name: d.last_label, type: "line", data: d.last_year, smooth: true,
           itemStyle: {color: "#90a4ae"}, lineStyle: {type: "dashed"}}
        ]
      });
    },
    // projects by the stage they have reached
    funnel: function (chart, d) {
      chart.setOption({
        tooltip: tooltip({trigger: "item", formatter: function (p) { return text(p.name) + ":" + text(p.value); }}),
        series: [{type: "funnel", sort: "none", left: 10, right: 10, top: 10, bottom: 10, gap: 2, minSize: "24%",
                  label: {show: true, position: "inside", formatter: "{b} {c}", color: "#fff", fontSize: 12},
                  data: d}]
      });
    },
    // tickets received and resolved per unit
    tickets: function (chart, d) {
      chart.setOption({
        textStyle: {color: ink()},
        tooltip: tooltip({trigger: "axis", formatter: function (items) {
          return text(items[0].name) + "<br>" + items.map(function (p) {
            return text(p.seriesName) + ":" + text(p.value); }).join("<br>");
        }}),
        legend: {data: ["受理", "办结"], textStyle: {color: ink()}},
        grid: {left: 8, right: 10, top: 30, bottom: 20, containLabel: true},
        yAxis: {type: "category", data: d.map(function (t) { return t.name; }), axisLabel: {color: ink()}},
        xAxis: {type: "value", minInterval: 1, axisLabel: {color: ink()}},
        series: [{name: "受理", type: "bar", data: d.map(function (t) { return t.received; }), itemStyle: {color: "#42a5f5"}},
                 {name: "办结", type: "bar", data: d.map(function (t) { return t.resolved; }), itemStyle: {color: "#66bb6a"}}]
      });
    },
    // assessment run: median rank of each unit with its 5%—95% band over the Monte Carlo samples
    ranks: function (chart, d) {
      var units = d.units.slice().sort(function (a, b) { return a.median_rank - b.median_rank; }).slice(0, 30);
      chart.setOption({
        title: {text: "名次中位数与5%—95%区间", textStyle: {fontSize: 13}},
        tooltip: tooltip({trigger: "axis", formatter: function (items) {
          var u = units[items[0].dataIndex];
          return text(u.unit) + "<br>" + "中位数:" + text(u.median_rank) + "<br>5%—95%:" + text(u.rank_p5) + "—" +
            text(u.rank_p95);
        }}),
        // containLabel: the grid makes room for the longest unit name instead of cutting it
        grid: {left: 8, right: 40, top: 35, bottom: 25, containLabel: true},
        yAxis: {type: "category", data: units.map(function (u) { return u.unit; }), inverse: true,
                axisLabel: {width: 160, overflow: "truncate"}},
        xAxis: {type: "value", name: "名次", nameGap: 8, minInterval: 1},
        series: [
          {type: "bar", stack: "r", itemStyle: {color: "transparent"}, data: units.map(function (u) { return u.rank_p5; })},
          {type: "bar", stack: "r", itemStyle: {color: "#90caf9"}, name: "5%—95%",
           data: units.map(function (u) { return u.rank_p95 - u.rank_p5; })},
          {type: "scatter", symbolSize: 10, itemStyle: {color: "#c62828"}, name: "中位数",
           data: units.map(function (u) { return u.median_rank; })}
        ]
      });
    },
    // assessment run: first-order sensitivity of the ranks to weights and methods
    sensitivity: function (chart, d) {
      var sens = d.sensitivity.slice(0, 12);
      chart.setOption({
        title: {text: "权重与方法对名次的影响(一阶敏感度)", textStyle: {fontSize: 13}},
        tooltip: tooltip({trigger: "axis", formatter: function (items) {
          return text(items[0].name) + ":" + text(items[0].value);
        }}),
        grid: {left: 8, right: 20, top: 35, bottom: 25, containLabel: true},
        yAxis: {type: "category", data: sens.map(function (s) { return s.name; }), inverse: true,
                axisLabel: {width: 200, overflow: "break"}},
        xAxis: {type: "value", max: 1},
        series: [{type: "bar", itemStyle: {color: "#1d4f91"},
                  data: sens.map(function (s) { return Number(s.index).toFixed(3); })}]
      });
    }
  };
  window.tuijinCharts = renderers;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var render = renderers[el.getAttribute("data-chart")];
      var d = data(el);
      if (!render || !d || typeof echarts === "undefined") { return; }
      var chart = echarts.init(el);
      render(chart, d, el);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
