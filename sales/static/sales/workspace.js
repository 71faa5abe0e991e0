// The deal workspace: on a narrow screen the stage path scrolls sideways; start it at the current stage.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    const path = document.querySelector(".kedao-stage-path");
    const current = path && path.querySelector('[aria-current="step"]');
    if (current && path.scrollWidth > path.clientWidth) {
      path.scrollLeft = current.offsetLeft - path.offsetLeft - (path.clientWidth - current.offsetWidth) / 2;
    }
  });
})();
