/* Draws every Plotly chart of a page: an element whose data-figure attribute holds the
   figure's JSON (escaped by the template). A static file, not an inline script, so the
   Content-Security-Policy allows scripts from this site only (web/csp.py). */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var fig = JSON.parse(el.dataset.figure);
    Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
  });
});
