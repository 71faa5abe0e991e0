// The calendar (activities/templates/activities/calendar.html).
//
// Drag an entry to move it, drag its lower edge to change its end (day and week grids), or drag an
// entry to another day (month cells, the all-day row). Pointer events, no library: the server lays
// the page out, the script only works out the new times and POSTs them with the version the page
// showed to the move endpoint, which checks the right to change and the version. Moved: the page
// reloads (the toast comes with it). Refused: the entry goes back and a toast says why.
// Touch screens and keyboards open the entry and edit its times instead.
(function () {
  const root = document.querySelector("[data-calendar]");
  if (!root) return;
  const texts = (document.querySelector("[data-calendar-texts]") || root).dataset;
  const MINUTE = 60000;

  // Open the day grid at 07:00, or at the first entry when earlier.
  document.querySelectorAll("[data-scroll]").forEach(function (scroller) {
    const slot = scroller.querySelector(".kd-slot");
    if (!slot) return;
    const hour = slot.getBoundingClientRect().height;
    let top = 7 * hour;
    scroller.querySelectorAll(".kd-day-col .kd-entry").forEach(function (entry) { top = Math.min(top, entry.offsetTop - hour / 2); });
    scroller.scrollTop = Math.max(0, top);
  });

  if (!window.matchMedia || !window.matchMedia("(pointer: fine)").matches) return;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { return ""; }
  }

  function toast(text, level) {
    const container = document.querySelector(".kedao-toasts");
    if (!container) { window.alert(text); return; }
    const element = document.createElement("div");
    element.className = "toast align-items-center border-0 text-bg-" + level;
    element.setAttribute("role", level === "danger" ? "alert" : "status");
    element.setAttribute("aria-live", level === "danger" ? "assertive" : "polite");
    element.setAttribute("data-testid", "calendar-toast");
    const row = document.createElement("div");
    row.className = "d-flex";
    const body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", texts.close || "Close");
    row.append(body, close);
    element.append(row);
    container.append(element);
    if (window.bootstrap) bootstrap.Toast.getOrCreateInstance(element, { autohide: false }).show();
  }

  // Times are handled as wall-clock values in the company's time zone ("YYYY-MM-DDTHH:MM"), kept
  // in Date objects read and written as UTC so that the browser's own time zone plays no part.
  function parse(text) {
    const parts = text.split("T");
    const d = parts[0].split("-").map(Number);
    const t = (parts[1] || "00:00").split(":").map(Number);
    return new Date(Date.UTC(d[0], d[1] - 1, d[2], t[0], t[1]));
  }
  function pad(n) { return String(n).padStart(2, "0"); }
  function format(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate()) + "T" +
      pad(date.getUTCHours()) + ":" + pad(date.getUTCMinutes());
  }
  function plus(date, minutes) { return new Date(date.getTime() + minutes * MINUTE); }

  function quarter() {
    const slot = root.querySelector(".kd-slot");
    return slot ? slot.getBoundingClientRect().height / 4 : 12;
  }
  function under(x, y, selector) {
    const element = document.elementFromPoint(x, y);
    return element ? element.closest(selector) : null;
  }

  let drag = null;
  let swallowClick = false;

  root.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".kd-movable")) event.preventDefault();
  });
  root.addEventListener("click", function (event) {
    if (swallowClick) { event.preventDefault(); event.stopPropagation(); swallowClick = false; }
  }, true);

  root.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    const entry = event.target.closest(".kd-movable");
    if (!entry) return;
    drag = {
      entry: entry, resize: !!event.target.closest("[data-resize]"),
      column: entry.closest("[data-day-column]"), cell: entry.closest("[data-day-cell]"),
      parent: entry.parentNode, next: entry.nextSibling, x: event.clientX, y: event.clientY,
      top: entry.offsetTop, height: entry.offsetHeight, moved: false, target: null,
    };
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
    event.preventDefault();
    const entry = drag.entry;
    if (!drag.moved) {
      drag.moved = true;
      entry.classList.add("kd-dragging");
      entry.style.pointerEvents = "none";
    }
    const q = quarter();
    if (drag.column) {
      if (drag.resize) {
        drag.quarters = Math.max(1, Math.round((drag.height + 2 + dy) / q));
        entry.style.height = (drag.quarters * q - 2) + "px";
        return;
      }
      const column = under(event.clientX, event.clientY, "[data-day-column]") || drag.target || drag.column;
      if (column !== entry.parentNode) column.appendChild(entry);
      const span = Math.max(1, Math.round((drag.height + 2) / q));
      drag.start = Math.min(96 - 1, Math.max(0, Math.round((drag.top + dy) / q)));
      drag.span = span;
      entry.style.top = (drag.start * q) + "px";
      drag.target = column;
    } else if (drag.cell) {
      entry.style.transform = "translate(" + dx + "px, " + dy + "px)";
      const cell = under(event.clientX, event.clientY, "[data-day-cell]");
      if (drag.target && drag.target !== cell) drag.target.classList.remove("kd-drop-target");
      if (cell) cell.classList.add("kd-drop-target");
      drag.target = cell;
    }
  });

  function restore(state) {
    const entry = state.entry;
    ["top", "height", "transform", "pointerEvents"].forEach(function (name) { entry.style[name] = ""; });
    entry.classList.remove("kd-dragging", "kd-pending");
    entry.removeAttribute("aria-busy");
    if (entry.parentNode !== state.parent) {
      if (state.next && state.next.parentNode === state.parent) state.parent.insertBefore(entry, state.next);
      else state.parent.appendChild(entry);
    }
    if (state.target) state.target.classList.remove("kd-drop-target");
  }

  function newTimes(state) {
    const data = state.entry.dataset;
    const starts = data.starts ? parse(data.starts) : null;
    const ends = data.ends ? parse(data.ends) : null;
    if (state.column) {
      const day = parse((state.target || state.column).dataset.dayColumn);
      if (state.resize) {
        const first = Math.round(state.top / quarter());
        return { starts_at: data.starts, ends_at: format(plus(parse(state.column.dataset.dayColumn), (first + state.quarters) * 15)) };
      }
      const begin = plus(day, state.start * 15);
      const result = { starts_at: format(begin) };
      if (ends) result.ends_at = format(plus(begin, (ends - starts) / MINUTE));
      return result;
    }
    if (!state.target) return null;
    const days = Math.round((parse(state.target.dataset.dayCell) - parse(state.cell.dataset.dayCell)) / (1440 * MINUTE));
    if (!days) return null;
    if (data.mode === "due") return { due_at: format(plus(parse(data.due), days * 1440)) };
    const result = { starts_at: format(plus(starts, days * 1440)) };
    if (ends) result.ends_at = format(plus(ends, days * 1440));
    return result;
  }

  document.addEventListener("pointerup", function () {
    const state = drag;
    drag = null;
    if (!state || !state.moved) return;
    swallowClick = true;
    window.setTimeout(function () { swallowClick = false; }, 400);
    const times = newTimes(state);
    if (!times || (times.starts_at === state.entry.dataset.starts && times.ends_at === state.entry.dataset.ends &&
                   !times.due_at)) { restore(state); return; }
    const entry = state.entry;
    entry.classList.add("kd-pending");
    entry.setAttribute("aria-busy", "true");
    const body = new FormData();
    Object.keys(times).forEach(function (name) { if (times[name]) body.append(name, times[name]); });
    body.append("version", entry.dataset.version);
    body.append("reload", "1");
    fetch(entry.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (answer) {
        if (answer.status === 200) { window.location.reload(); return; }
        restore(state);
        toast(answer.data.message || texts.failed, "danger");
      })
      .catch(function () { restore(state); toast(texts.failed, "danger"); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drag) { const state = drag; drag = null; if (state.moved) restore(state); }
  });
})();
