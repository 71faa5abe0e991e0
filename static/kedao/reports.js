// Report filters (templates/core/report.html): typing a date means "custom dates"; choosing a
// named period clears the dates, so the two never disagree.
document.addEventListener("change", function (event) {
  const form = event.target.closest("[data-report-filters]");
  if (!form) return;
  const period = form.querySelector("select[name=period]");
  if (!period) return;
  if (event.target.matches("input[name=date_from], input[name=date_to]") && event.target.value) {
    period.value = "custom";
  } else if (event.target === period && period.value !== "custom") {
    form.querySelectorAll("input[name=date_from], input[name=date_to]").forEach(function (input) { input.value = ""; });
  }
});
