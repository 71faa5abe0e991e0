// Select-all checkbox of list tables; works after HTMX swaps because it listens on the document.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-select-all]")) {
    const table = event.target.closest("table");
    table.querySelectorAll("td input[type=checkbox][name=pk]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  }
});
