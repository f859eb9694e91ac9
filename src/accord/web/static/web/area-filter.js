// Progressive enhancement: a text box that narrows the area list. The select works without it.
(function () {
  "use strict";
  var box = document.querySelector(".area-filter");
  var select = document.getElementById("id_area");
  if (!box || !select) { return; }
  var input = box.querySelector("input");
  box.hidden = false;
  input.addEventListener("input", function () {
    var term = input.value.trim().toLowerCase();
    var groups = select.querySelectorAll("optgroup");
    groups.forEach(function (group) {
      var groupHit = group.label.toLowerCase().indexOf(term) !== -1;
      var shown = 0;
      group.querySelectorAll("option").forEach(function (opt) {
        var hit = !term || groupHit || opt.textContent.toLowerCase().indexOf(term) !== -1;
        opt.hidden = !hit;
        if (hit) { shown += 1; }
      });
      group.hidden = shown === 0;
    });
  });
})();
