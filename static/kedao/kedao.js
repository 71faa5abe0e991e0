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

// Messages of the last action (Django messages) appear as toasts.
function kedaoShowToasts(root) {
  if (!window.bootstrap) return;
  root.querySelectorAll(".kedao-toasts .toast:not(.showing):not(.show)").forEach(function (element) {
    bootstrap.Toast.getOrCreateInstance(element).show();
  });
}
document.addEventListener("DOMContentLoaded", function () { kedaoShowToasts(document); });

// Every destructive action asks first: a button or form with data-confirm="question" opens the
// confirmation dialog of base.html; only "Confirm" submits.
(function () {
  let pending = null;
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-confirm], a[data-confirm]");
    if (!button || button.dataset.confirmed === "1") return;
    event.preventDefault();
    const dialog = document.getElementById("kedao-confirm");
    if (!dialog || !window.bootstrap) {
      if (window.confirm(button.dataset.confirm)) { pending = button; proceed(); }
      return;
    }
    pending = button;
    dialog.querySelector("[data-confirm-text]").textContent = button.dataset.confirm;
    bootstrap.Modal.getOrCreateInstance(dialog).show();
  });
  function proceed() {
    const button = pending;
    pending = null;
    if (!button) return;
    if (button.tagName === "A") { window.location.href = button.href; return; }
    button.dataset.confirmed = "1";
    const form = button.form;
    if (form) form.requestSubmit(button); else button.click();
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-confirm-ok]")) return;
    const dialog = document.getElementById("kedao-confirm");
    bootstrap.Modal.getOrCreateInstance(dialog).hide();
    proceed();
  });
})();

// Compact tables: a per-browser choice (more rows on one screen for people who scan long lists).
(function () {
  const key = "kedao.compact";
  function apply() { document.documentElement.classList.toggle("kedao-compact", localStorage.getItem(key) === "1"); }
  apply();
  document.addEventListener("click", function (event) {
    const toggle = event.target.closest("[data-compact-toggle]");
    if (!toggle) return;
    localStorage.setItem(key, localStorage.getItem(key) === "1" ? "0" : "1");
    apply();
    toggle.setAttribute("aria-pressed", localStorage.getItem(key) === "1" ? "true" : "false");
  });
})();

// "Back" on error pages: the previous page when there is one (the link's href, home, otherwise).
document.addEventListener("click", function (event) {
  const link = event.target.closest("[data-history-back]");
  if (link && window.history.length > 1 && document.referrer) {
    event.preventDefault();
    window.history.back();
  }
});

// A lazy panel that cannot load (the record was deleted meanwhile, the session ended) says so
// instead of "Loading…" forever.
document.addEventListener("htmx:responseError", function (event) {
  const panel = event.target.closest && event.target.closest("[data-lazy-panel]");
  if (panel) panel.textContent = panel.dataset.errorText || "—";
});

// A form inside [data-htmx-show-errors] gets its refusal (400, 403, 409) swapped in like any answer:
// the message beside the field comes from the server (htmx drops 4xx answers by default).
document.addEventListener("htmx:beforeSwap", function (event) {
  const status = event.detail.xhr && event.detail.xhr.status;
  if ([400, 403, 409].includes(status) && event.detail.elt.closest && event.detail.elt.closest("[data-htmx-show-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
