// The opportunity kanban (sales/templates/sales/kanban.html).
//
// Drag and drop is the browser's own (HTML5 drag events): no maintained drag-and-drop library is
// packaged for pip (SortableJS and the like come only from npm, and Kedao serves third-party
// assets from Python packages, never a CDN or a copy in git), and moving a card between columns
// needs nothing more. Touch screens and keyboards use each card's "Move to…" list instead.
//
// A card dropped on an open stage moves at once and is POSTed to its move endpoint: the server
// applies the gates; a refused move snaps back to where it was and a toast says why. A card
// dropped on a won / lost stage opens the reason form in a dialog instead.
(function () {
  const board = document.querySelector("[data-kanban]");
  if (!board) return;
  const texts = document.querySelector("[data-kanban-texts]").dataset;
  const dialog = document.getElementById("kanban-move-dialog");
  const dialogBody = dialog.querySelector("[data-dialog-body]");
  let dragged = null;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { return ""; }
  }

  function toast(text, level) {
    const container = document.querySelector(".kedao-toasts");
    const element = document.createElement("div");
    element.className = "toast align-items-center border-0 text-bg-" + level;
    element.setAttribute("role", level === "danger" ? "alert" : "status");
    element.setAttribute("aria-live", level === "danger" ? "assertive" : "polite");
    element.setAttribute("data-testid", "kanban-toast");
    element.dataset.level = level;
    const row = document.createElement("div");
    row.className = "d-flex";
    const body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", texts.close);
    row.append(body, close);
    element.append(row);
    container.append(element);
    if (window.bootstrap) {
      bootstrap.Toast.getOrCreateInstance(element, { autohide: level === "success", delay: 6000 }).show();
    }
  }

  function columnOf(stage) { return board.querySelector('.kd-column[data-stage="' + stage + '"]'); }

  function updateTotals(columns) {
    Object.keys(columns || {}).forEach(function (stage) {
      const column = columnOf(stage);
      if (!column) return;
      column.querySelector("[data-count]").textContent = columns[stage].count;
      column.querySelector("[data-amount]").textContent = columns[stage].amount;
    });
  }

  function place(card, stage) {
    card.dataset.stage = stage;
    const select = card.querySelector("[data-card-move]");
    if (select) {
      Array.from(select.options).forEach(function (option) { option.disabled = option.value === stage; });
      select.value = "";
    }
  }

  function snapBack(card, from) {
    if (from.next && from.next.parentNode === from.zone) from.zone.insertBefore(card, from.next);
    else from.zone.appendChild(card);
    place(card, from.stage);
  }

  function openDialog(card, stage) {
    const next = window.location.pathname + window.location.search;
    const url = card.dataset.formUrl + "?stage=" + encodeURIComponent(stage) + "&next=" + encodeURIComponent(next);
    fetch(url, { headers: { "X-Kedao-Partial": "1" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        dialogBody.innerHTML = html;
        window.kedaoSyncMoveForms(dialogBody);
        bootstrap.Modal.getOrCreateInstance(dialog).show();
      })
      .catch(function () { toast(texts.failed, "danger"); });
  }

  dialog.addEventListener("submit", function (event) {
    const form = event.target.closest("[data-move-form]");
    if (!form) return;
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-Kedao-Partial": "1" },
                         credentials: "same-origin" })
      .then(function (response) {
        const json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? response.json() : response.text()).then(function (data) { return { json: json, data: data, status: response.status }; });
      })
      .then(function (answer) {
        if (answer.json) { window.location.href = answer.data.redirect; return; }
        if (answer.status >= 500) { toast(texts.failed, "danger"); return; }
        dialogBody.innerHTML = answer.data;  // the form again, with the refusals beside the fields
        window.kedaoSyncMoveForms(dialogBody);
      })
      .catch(function () { toast(texts.failed, "danger"); });
  });

  dialog.addEventListener("click", function (event) {
    if (event.target.closest("[data-move-cancel]")) {
      event.preventDefault();
      bootstrap.Modal.getOrCreateInstance(dialog).hide();
    }
  });

  function move(card, stage) {
    const column = columnOf(stage);
    if (!column || stage === card.dataset.stage) return;
    if (column.dataset.kind !== "open") { openDialog(card, stage); return; }
    const from = { zone: card.parentNode, next: card.nextSibling, stage: card.dataset.stage };
    const zone = column.querySelector("[data-drop]");
    zone.insertBefore(card, zone.querySelector("[data-card]"));
    place(card, stage);
    card.classList.add("kd-pending");
    card.setAttribute("aria-busy", "true");
    const body = new FormData();
    body.append("stage", stage);
    fetch(card.dataset.moveUrl + "?" + (board.dataset.filters || ""), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (answer) {
        card.classList.remove("kd-pending");
        card.removeAttribute("aria-busy");
        if (answer.status === 200) {
          updateTotals(answer.data.columns);
          toast(answer.data.message, "success");
          return;
        }
        snapBack(card, from);
        toast(answer.data.message || texts.failed, answer.status === 202 ? "info" : "danger");
      })
      .catch(function () {
        card.classList.remove("kd-pending");
        card.removeAttribute("aria-busy");
        snapBack(card, from);
        toast(texts.failed, "danger");
      });
  }

  board.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest("[data-card][draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.card);
    card.classList.add("kd-dragging");
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("kd-dragging");
    dragged = null;
    board.querySelectorAll(".kd-drop-over").forEach(function (zone) { zone.classList.remove("kd-drop-over"); });
  });
  board.addEventListener("dragover", function (event) {
    const zone = event.target.closest && event.target.closest("[data-drop]");
    if (!zone || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("kd-drop-over");
  });
  board.addEventListener("dragleave", function (event) {
    const zone = event.target.closest && event.target.closest("[data-drop]");
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("kd-drop-over");
  });
  board.addEventListener("drop", function (event) {
    const zone = event.target.closest && event.target.closest("[data-drop]");
    if (!zone || !dragged) return;
    event.preventDefault();
    zone.classList.remove("kd-drop-over");
    const card = dragged;
    dragged = null;
    card.classList.remove("kd-dragging");
    // After the browser has finished the drag (dragend): moving the dragged node while its drop
    // is still being dispatched leaves Chromium starting the next drag from that node.
    const stage = zone.dataset.stage;
    window.setTimeout(function () { move(card, stage); }, 0);
  });
  // The fallback for touch screens and keyboards: the card's "Move to…" list.
  board.addEventListener("change", function (event) {
    if (!event.target.matches("[data-card-move]") || !event.target.value) return;
    const card = event.target.closest("[data-card]");
    const stage = event.target.value;
    event.target.value = "";
    move(card, stage);
  });
})();
