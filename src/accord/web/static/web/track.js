// The tracking link in the QR code carries the secret in the URL fragment (#secret=...),
// which the browser never sends to the server. Fill the form from it, then drop it from
// the address bar and the history.
(function () {
  "use strict";
  var match = /(?:^#|&)secret=([^&]+)/.exec(window.location.hash || "");
  if (!match) { return; }
  var field = document.getElementById("id_secret");
  if (field) { field.value = decodeURIComponent(match[1]); }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  var button = document.querySelector("form button[type=submit]");
  if (button && field && field.value) { button.focus(); }
})();
