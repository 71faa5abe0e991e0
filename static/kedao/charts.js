// Draw every chart placeholder made by core.charts.figure_html (data-figure holds the JSON figure).
// Runs on load and after each HTMX swap; a placeholder is drawn once.
(function () {
  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll(".kd-chart[data-figure]:not([data-drawn])").forEach(function (element) {
      const figure = JSON.parse(element.dataset.figure);
      element.dataset.drawn = "1";
      Plotly.newPlot(element, figure.data || [], figure.layout || {},
        { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
