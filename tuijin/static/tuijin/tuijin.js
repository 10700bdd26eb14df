// Behaviour every page shares, without inline script (the Content-Security-Policy forbids it).
// For the charts (charts.js, battle_map.js, any app's chart script; loaded before them):
//   tuijin.text(value)      the value as HTML text (& < > " ' escaped): ECharts tooltip formatters return HTML, so
//                           every name in them goes through this
//   tuijin.tooltip({...})   an ECharts tooltip option kept inside the chart (confine): ECharts then draws no arrow
//                           for item tooltips, which it would write as a style="" attribute the policy refuses
window.tuijin = window.tuijin || {};
window.tuijin.text = function (value) {
  "use strict";
  var map = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"};
  return (value == null ? "" : String(value)).replace(/[&<>"']/g, function (c) { return map[c]; });
};
window.tuijin.tooltip = function (options) {
  "use strict";
  var out = {confine: true};
  Object.keys(options || {}).forEach(function (key) { out[key] = options[key]; });
  return out;
};
//   <select data-autosubmit>            submits its form when changed
//   <button data-confirm="文字">        asks before submitting
//   <input type="checkbox" data-check-all="name">   ticks every checkbox named "name"
//   <div class="progress-bar" data-progress="37">  a bar 37% wide (set through the DOM: the policy refuses style="")
(function () {
  "use strict";
  function widen(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-progress]") : [];
    if (root.matches && root.matches("[data-progress]")) { bars = [root].concat(Array.prototype.slice.call(bars)); }
    Array.prototype.forEach.call(bars, function (bar) {
      var n = parseFloat(bar.getAttribute("data-progress"));
      bar.style.width = (isFinite(n) ? Math.min(Math.max(n, 0), 100) : 0) + "%";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { widen(document); });
  } else {
    widen(document);
  }
  document.addEventListener("htmx:load", function (event) { widen(event.target); });  // content htmx swapped in
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
    if (el.matches("[data-check-all]")) {
      document.querySelectorAll('input[type=checkbox][name="' + el.getAttribute("data-check-all") + '"]')
        .forEach(function (box) { if (!box.disabled) { box.checked = el.checked; } });
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
// <input type="file" data-file-name="id">: show the chosen file's name in the element with that id
// (the browser's own "Choose File" / "No file chosen" follow the browser's language, not the page's).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("input[type=file][data-file-name]")) {
    var out = document.getElementById(el.getAttribute("data-file-name"));
    if (out && el.files && el.files.length) { out.textContent = el.files[0].name; }
  }
});
