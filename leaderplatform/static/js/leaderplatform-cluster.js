// Step 4, sorting the proposals: drag a proposal onto a candidate (or back to
// "not sorted"). A progressive enhancement only: every proposal keeps its own
// form (a list and a "Put" button), which works with the keyboard and without
// JavaScript. A drop sends that same form (same view, same service, same CSRF
// token) with fetch and moves the proposal on the page; the result is read out
// through the page's aria-live region.
(function () {
  "use strict";
  var board = document.getElementById("cluster-board");
  var live = document.getElementById("cluster-live");
  if (!board || !live || !window.fetch || !window.FormData) { return; }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function formOf(uuid) {
    return board.querySelector('form[data-proposal-form="' + uuid + '"]');
  }

  function moveOnPage(uuid, candidate) {
    var source = board.querySelector('[data-proposal="' + uuid + '"]');
    var old = board.querySelectorAll('[data-proposal-item="' + uuid + '"]');
    old.forEach(function (item) {
      var list = item.parentNode;
      list.removeChild(item);
      var empty = list.querySelector(".lp-empty");
      if (empty && !list.querySelector("[data-proposal-item]")) { empty.hidden = false; }
    });
    if (candidate) {
      var list = board.querySelector('[data-proposals-of="' + candidate + '"]');
      if (list && source) {
        var item = document.createElement("li");
        item.className = "text-break";
        item.setAttribute("data-proposal-item", uuid);
        item.textContent = source.getAttribute("data-label");
        list.appendChild(item);
        var placeholder = list.querySelector(".lp-empty");
        if (placeholder) { placeholder.hidden = true; }
      }
    }
    var select = formOf(uuid) && formOf(uuid).querySelector("select[name=candidate]");
    if (select) { select.value = candidate; }
  }

  function send(uuid, candidate) {
    var form = formOf(uuid);
    if (!form) { return; }
    var data = new FormData(form);
    data.set("candidate", candidate);
    board.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (result) {
      if (result.ok) { moveOnPage(uuid, candidate); }
      announce(result.body.message || "");
    }).catch(function () {
      announce(board.getAttribute("data-failed"));
    }).then(function () {
      board.removeAttribute("aria-busy");
    });
  }

  board.querySelectorAll("[data-proposal]").forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.classList.add("lp-draggable");
    item.addEventListener("dragstart", function (event) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.getAttribute("data-proposal"));
    });
  });
  board.querySelectorAll("[data-drop-candidate]").forEach(function (target) {
    target.addEventListener("dragover", function (event) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      target.classList.add("lp-drop-over");
    });
    target.addEventListener("dragleave", function () {
      target.classList.remove("lp-drop-over");
    });
    target.addEventListener("drop", function (event) {
      event.preventDefault();
      target.classList.remove("lp-drop-over");
      var uuid = event.dataTransfer.getData("text/plain");
      if (uuid) { send(uuid, target.getAttribute("data-drop-candidate")); }
    });
  });
  var hint = document.getElementById("cluster-drag-hint");
  if (hint) { hint.hidden = false; }
}());
