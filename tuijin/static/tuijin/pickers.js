// Searchable pickers (the vendored Tom Select), without inline script:
//   <select data-picker>                          type to search the options in the list
//   <select data-picker data-search-url="URL">    ask the server as one types: URL?q=… answers
//                                                 {"results": [{"value": …, "text": …}]} (within the data scope)
//   data-suggest-url="URL" data-suggest-from="#id_problems"
//                                                 until someone picks by hand, preselect the server's suggestion
//                                                 for the text typed in that field: URL?text=… answers {"value", "text"}
//   data-no-results="…"                           what to say when nothing matches
(function () {
  "use strict";
  if (!window.TomSelect) { return; }

  function getJson(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {}; });
  }

  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var searchUrl = select.getAttribute("data-search-url");
    var noResults = select.getAttribute("data-no-results") || "—";
    var settings = {
      maxOptions: 100,
      allowEmptyOption: true,
      render: {no_results: function (data, escape) { return '<div class="no-results">' + escape(noResults) + "</div>"; }}
    };
    if (searchUrl) {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.searchField = ["text"];
      settings.preload = "focus";
      settings.shouldLoad = function () { return true; };  // an empty query lists the first ones
      settings.load = function (query, callback) {
        var sep = searchUrl.indexOf("?") < 0 ? "?" : "&";
        getJson(searchUrl + sep + "q=" + encodeURIComponent(query))
          .then(function (data) { callback(data.results || []); })
          .catch(function () { callback(); });
      };
    }
    var picker = new TomSelect(select, settings);

    var suggestUrl = select.getAttribute("data-suggest-url");
    var source = document.querySelector(select.getAttribute("data-suggest-from") || "#none");
    if (!suggestUrl || !source) { return; }
    var pickedByHand = false, timer = null;
    picker.on("change", function () { pickedByHand = true; });  // suggestions below are set silently
    source.addEventListener("input", function () {
      if (pickedByHand) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var sep = suggestUrl.indexOf("?") < 0 ? "?" : "&";
        getJson(suggestUrl + sep + "text=" + encodeURIComponent(source.value)).then(function (data) {
          if (pickedByHand) { return; }
          if (data && data.value) {
            picker.setValue(String(data.value), true);
          } else {
            picker.clear(true);
          }
        });
      }, 400);
    });
  });
})();
