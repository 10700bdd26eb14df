// The battle map's scatter of project locations (data from {{ chart|json_script:"battle-map-data" }}).
(function () {
  "use strict";
  var source = document.getElementById("battle-map-data");
  var box = document.getElementById("project-map");
  if (!source || !box || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var detailUrl = document.currentScript.getAttribute("data-detail-url");
  var byStage = {};
  data.points.forEach(function (p) { (byStage[p.stage] = byStage[p.stage] || []).push(p); });
  var text = window.tuijin.text;  // names as text in the tooltip (tuijin.js)
  var chart = echarts.init(box);
  chart.setOption({
    tooltip: window.tuijin.tooltip({formatter: function (p) {
      return text(p.data.code + " " + p.data.name) + "<br>" + text(data.names[p.data.stage]);
    }}),
    legend: {top: 0},
    xAxis: {type: "value", scale: true, name: data.axes[0]}, yAxis: {type: "value", scale: true, name: data.axes[1]},
    grid: {left: 60, right: 30, top: 40, bottom: 40},
    series: Object.keys(data.names).filter(function (s) { return byStage[s]; }).map(function (s) {
      return {name: data.names[s], type: "scatter", symbolSize: 12, data: byStage[s], itemStyle: {color: data.colors[s]}};
    })
  });
  chart.on("click", function (p) { window.location = detailUrl + p.data.pk + "/"; });
  window.addEventListener("resize", function () { chart.resize(); });
})();
