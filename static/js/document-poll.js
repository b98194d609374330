// Polls a generated document's status and swaps in the download link when ready.
(function () {
  "use strict";
  var box = document.getElementById("document-status");
  if (!box) { return; }
  var bar = document.getElementById("document-progress");
  function show(percent) {
    if (!bar) { return; }
    bar.style.width = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }
  if (bar) { show(parseInt(bar.getAttribute("data-progress") || "0", 10)); }
  if (document.getElementById("document-download")) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        show(data.progress);
        var text = document.getElementById("document-status-text");
        if (text) { text.textContent = data.status_display; }
        if (data.ready || data.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1000);
}());
