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
