// An enterprise's yearly figures as bars (revenue, output) and a line (tax, on its own axis at the right), from
// {{ chart|json_script:"enterprise-chart-data" }}: {"years": ["2021", …], "series": [{"key", "name", "data"}, …]}.
// Names are shown as text (tooltips built here with escaping), never as HTML from the data.
(function () {
  "use strict";
  var source = document.getElementById("enterprise-chart-data");
  var box = document.getElementById("enterprise-chart");
  if (!source || !box || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var text = function (value) {
    var div = document.createElement("div");
    div.textContent = value == null ? "" : String(value);
    return div.innerHTML;
  };
  var number = function (value) {
    return value == null ? "—" : Number(value).toLocaleString("zh-CN", {maximumFractionDigits: 2});
  };
  var colors = {revenue: "#1d4f91", output: "#90a4ae", tax: "#c62828"};
  var chart = echarts.init(box);
  chart.setOption({
    tooltip: {trigger: "axis", formatter: function (items) {
      return text(items.length ? items[0].axisValue : "") + "<br>" + items.map(function (p) {
        return text(p.seriesName) + ":" + text(number(p.value));
      }).join("<br>");
    }},
    legend: {top: 0, data: data.series.map(function (s) { return s.name; })},
    grid: {left: 12, right: 20, top: 36, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.years},
    yAxis: [{type: "value", name: "万元", axisLabel: {formatter: function (v) { return number(v); }}},
            {type: "value", name: (data.series.filter(function (s) { return s.key === "tax"; })[0] || {}).name || "",
             splitLine: {show: false},
             axisLabel: {formatter: function (v) { return number(v); }}}],
    series: data.series.map(function (s) {
      var line = s.key === "tax";
      return {name: s.name, type: line ? "line" : "bar", data: s.data, itemStyle: {color: colors[s.key]},
              barMaxWidth: 36, connectNulls: false, symbolSize: 7, yAxisIndex: line ? 1 : 0};
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
