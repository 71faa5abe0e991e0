// The deal workspace: on a narrow screen the stage path scrolls sideways; centre it on the current stage.
(function () {
  function centre() {
    const path = document.querySelector(".kedao-stage-path");
    const current = path && path.querySelector('[aria-current="step"]');
    if (!current || path.scrollWidth <= path.clientWidth) return;
    const box = path.getBoundingClientRect();
    const step = current.getBoundingClientRect();
    path.scrollLeft += step.left + step.width / 2 - (box.left + box.width / 2);
  }
  window.addEventListener("load", centre);
})();
