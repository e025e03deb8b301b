/* Cases pages: draw every Plotly figure found in a <script type="application/json"
   class="figure" data-target="ID"> block into the element ID (no inline scripts). */
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var blocks = document.querySelectorAll("script.figure[type='application/json']");
    Array.prototype.forEach.call(blocks, function (block) {
      var el = document.getElementById(block.dataset.target);
      if (!el || el.dataset.drawn) { return; }
      var fig = JSON.parse(block.textContent);
      Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("load", draw);
}());
