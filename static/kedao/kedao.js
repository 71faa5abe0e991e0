// Select-all checkbox of list tables; works after HTMX swaps because it listens on the document.
// No inline handlers anywhere (the Content-Security-Policy refuses them): behaviour is attached here.
document.addEventListener("change", function (event) {
  // A select that applies itself when changed (the language switch).
  if (event.target.matches("[data-submit-on-change]") && event.target.form) {
    event.target.form.submit();
    return;
  }
  if (event.target.matches("[data-select-all]")) {
    const table = event.target.closest("table");
    table.querySelectorAll("td input[type=checkbox][name=pk]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  }
});
