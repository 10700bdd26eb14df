// Behaviour every page shares, without inline script (the Content-Security-Policy forbids it).
//   <select data-autosubmit>            submits its form when changed
//   <button data-confirm="文字">        asks before submitting
//   <input type="checkbox" data-check-all="name">   ticks every checkbox named "name"
(function () {
  "use strict";
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
