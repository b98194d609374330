// The purpose poster form: "Add a commitment" clones the formset's empty row.
// Without JavaScript the form still works: it always offers two empty rows.
(function () {
  "use strict";
  var button = document.getElementById("add-commitment");
  var rows = document.getElementById("commitment-rows");
  var template = document.getElementById("commitment-template");
  var total = document.getElementById("id_commitments-TOTAL_FORMS");
  if (!button || !rows || !template || !total) { return; }
  var max = parseInt(button.getAttribute("data-max") || "10", 10);
  function refresh() {
    button.disabled = parseInt(total.value, 10) >= max;
  }
  button.classList.remove("d-none");
  refresh();
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (index >= max) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    refresh();
    var added = rows.lastElementChild.querySelector("textarea");
    if (added) { added.focus(); }
  });
}());

// Character counters: the server refuses text over the limit with a message (the
// browser's maxlength would cut pasted text silently); this only shows the count live.
(function () {
  "use strict";
  var form = document.getElementById("poster-form");
  if (!form) { return; }
  function update(field) {
    var max = parseInt(field.getAttribute("data-max-length"), 10);
    var counter = document.getElementById(field.id + "-count") ||
      (field.id === "id_lead" ? document.getElementById("lead-count") : null);
    if (!max || !counter) { return; }
    var count = field.value.trim().split(/\s+/).join(" ").length;
    var over = count > max;
    var text = counter.getAttribute(over ? "data-over-text" : "data-count-text") || "";
    counter.textContent = text.replace("{count}", String(count));
    counter.classList.toggle("text-danger", over);
    field.classList.toggle("is-invalid", over);
  }
  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-max-length")) {
      update(event.target);
    }
  });
  Array.prototype.forEach.call(form.querySelectorAll("[data-max-length]"), update);
}());
