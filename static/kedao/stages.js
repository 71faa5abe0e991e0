// The "Move stage" form (opportunity page, kanban dialog): the reason and the competitor matter
// only when the deal closes, so they show only for a won / lost stage, with the reasons of that
// outcome; the requirements listed are those of the stage chosen. Without script, all is shown
// and the server still checks everything (sales.services.stages).
(function () {
  function sync(form) {
    const select = form.querySelector("[data-stage-select]");
    if (!select) return;
    const option = select.options[select.selectedIndex];
    const kind = (option && option.dataset.kind) || "open";
    form.querySelectorAll("[data-kind-field]").forEach(function (field) {
      const show = field.dataset.kindField.split(" ").indexOf(kind) >= 0;
      const wrapper = field.closest("[class*='col-']") || field;
      // A field the server refused stays in sight, whatever is chosen.
      wrapper.hidden = !show && !wrapper.querySelector("[data-field-error]");
      if (field.name === "reason") {
        Array.from(field.options).forEach(function (item) {
          if (!item.dataset.kind) return;
          item.hidden = item.dataset.kind !== kind;
          if (item.hidden && item.selected) field.value = "";
        });
      }
    });
    form.querySelectorAll("[data-gates-for]").forEach(function (list) {
      list.hidden = list.dataset.gatesFor !== select.value;
    });
  }
  window.kedaoSyncMoveForms = function (root) { root.querySelectorAll("[data-move-form]").forEach(sync); };
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-stage-select]")) sync(event.target.closest("form"));
  });
  document.addEventListener("DOMContentLoaded", function () { window.kedaoSyncMoveForms(document); });
})();
