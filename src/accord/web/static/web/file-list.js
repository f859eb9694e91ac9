// Progressive enhancement: list the chosen files with their sizes. The server checks every
// file again (type by its first bytes, size); this only helps people see what they chose.
(function () {
  "use strict";
  var input = document.getElementById("id_evidence");
  var list = document.getElementById("file-list");
  if (!input || !list) { return; }
  function size(n) {
    if (n >= 1048576) { return (n / 1048576).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(n / 1024)) + " KB";
  }
  input.addEventListener("change", function () {
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + size(file.size) + ")";
      list.appendChild(item);
    });
  });
})();
