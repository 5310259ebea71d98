// "Select all" for the dashboard's decisions to approve: a convenience only. The button is
// hidden until this script runs; without JavaScript each decision is ticked on its own.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (button) {
    var form = button.closest("form");
    if (!form) return;
    var boxes = form.querySelectorAll('input[type="checkbox"][name="' + button.dataset.selectAll + '"]');
    if (!boxes.length) return;
    function allTicked() {
      return Array.prototype.every.call(boxes, function (box) { return box.checked; });
    }
    function label() {
      button.textContent = allTicked() ? button.dataset.labelNone : button.dataset.labelAll;
    }
    button.hidden = false;
    label();
    button.addEventListener("click", function () {
      var tick = !allTicked();
      boxes.forEach(function (box) { box.checked = tick; });
      label();
    });
    boxes.forEach(function (box) { box.addEventListener("change", label); });
  });
})();
