// The standing page's chart: national rank by year, rank 1 at the top (inverted axis), one line per list (overall,
// 利用外资 …), the goal as a dashed line. Data from the page's json_script block; names shown as text only.
(function () {
  "use strict";
  function text(value) {
    var div = document.createElement("div");
    div.textContent = value == null ? "" : String(value);
    return div.innerHTML;
  }
  var colours = ["#c62828", "#1d4f91", "#2e7d32", "#f9a825", "#6a1b9a"];
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || typeof echarts === "undefined") { return; }
    var d = JSON.parse(source.textContent);
    var worst = 1;
    d.series.forEach(function (s) { s.data.forEach(function (v) { if (v != null && v > worst) { worst = v; } }); });
    if (d.goal && d.goal > worst) { worst = d.goal; }
    var series = d.series.map(function (s, i) {
      return {name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 9,
              itemStyle: {color: colours[i % colours.length]}, lineStyle: {width: i === 0 ? 3 : 2},
              label: {show: true, position: "top", formatter: function (p) { return p.value == null ? "" : p.value; }}};
    });
    if (d.absent) {  // years the zone is not in a list complete down to some rank: drawn just below that rank
      d.absent.data.forEach(function (v) { if (v != null && v > worst) { worst = v; } });
      series.push({name: d.absent.name, type: "scatter", data: d.absent.data, symbol: "triangle", symbolRotate: 180,
                   symbolSize: 12, itemStyle: {color: "#90a4ae"},
                   tooltip: {formatter: function (p) {
                     return text(d.years[p.dataIndex]) + "<br>" + text(d.absent.text.replace("%(n)s", d.absent.depth[p.dataIndex]));
                   }}});
    }
    if (d.goal) {
      series[0].markLine = {symbol: "none", silent: true, lineStyle: {type: "dashed", color: "#888"},
                            label: {formatter: function () { return d.goal_label; }, position: "insideEndTop"},
                            data: [{yAxis: d.goal}]};
    }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis", formatter: function (items) {
        return text(items[0].axisValue) + "<br>" + items.map(function (p) {
          if (d.absent && p.seriesName === d.absent.name) {
            return p.value == null ? "" : text(d.absent.text.replace("%(n)s", d.absent.depth[p.dataIndex]));
          }
          return text(p.seriesName) + ":" + (p.value == null ? "—" : text(p.value));
        }).filter(function (t) { return t; }).join("<br>");
      }},
      legend: {data: series.map(function (s) { return s.name; })},
      grid: {left: 12, right: 28, top: 40, bottom: 24, containLabel: true},
      xAxis: {type: "category", data: d.years},
      yAxis: {type: "value", inverse: true, min: 1, max: Math.ceil((worst + 2) / 5) * 5, minInterval: 1,
              name: d.rank_label, nameLocation: "start"},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-standing-chart]").forEach(draw);
  });
})();
