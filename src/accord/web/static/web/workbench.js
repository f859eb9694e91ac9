// Staff workbench: "/" focuses the search box; "select all" ticks every case on the page
// for bulk assignment. Everything works without this script.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var search = document.getElementById("id_q");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
  });
  var all = document.getElementById("select-all");
  if (all) {
    all.hidden = false;
    all.closest(".select-all").hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=references]").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
