// Record page tabs (the 360° customer page, the deal workspace): open the tab named in the URL's
// hash (#tab-relationships), and keep the hash in step when the user switches, so a link or a
// reload comes back to the same tab. A link to a panel (#panel-team, the header's Share button)
// opens the tab that holds the panel first.
(function () {
  function show(hash) {
    if (!hash || !window.bootstrap) return;
    let target = hash;
    if (hash.indexOf("#panel-") === 0) {
      const panel = document.getElementById(hash.slice(1));
      const pane = panel && panel.closest(".tab-pane");
      if (!pane) return;
      target = "#" + pane.id;
    }
    const button = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + target + '"]');
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
    if (target !== hash) {
      const panel = document.getElementById(hash.slice(1));
      if (panel) setTimeout(function () { panel.scrollIntoView({ block: "start" }); }, 160);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    show(window.location.hash);
    document.querySelectorAll('.kedao-record-tabs [data-bs-toggle="tab"]').forEach(function (button) {
      button.addEventListener("shown.bs.tab", function () {
        history.replaceState(null, "", button.dataset.bsTarget);
      });
    });
    window.addEventListener("hashchange", function () { show(window.location.hash); });
    document.addEventListener("click", function (event) {
      const link = event.target.closest('a[href^="#panel-"]');
      if (link) show(link.getAttribute("href"));
    });
  });
})();
