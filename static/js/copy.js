// "Copy" buttons: <button data-copy="id-of-a-field" hidden>. Without JavaScript (or without a
// clipboard) the button stays hidden and the field, readonly, can be selected and copied.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) status.textContent = "Copied."; },
        function () {
          field.select();
          if (status) status.textContent = "Select the link and copy it.";
        }
      );
    });
  });
})();
