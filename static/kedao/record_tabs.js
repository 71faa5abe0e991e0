// Record page tabs (the 360° customer page): open the tab named in the URL's hash
// (#tab-relationships), and keep the hash in step when the user switches, so a link or a reload
// comes back to the same tab.
(function () {
  function show(hash) {
    if (!hash || !window.bootstrap) return;
    const button = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + hash + '"]');
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }
  document.addEventListener("DOMContentLoaded", function () {
    show(window.location.hash);
    document.querySelectorAll('.kedao-record-tabs [data-bs-toggle="tab"]').forEach(function (button) {
      button.addEventListener("shown.bs.tab", function () {
        history.replaceState(null, "", button.dataset.bsTarget);
      });
    });
  });
})();
