// Activity uploads: drag and drop onto the form, and a progress bar while files go up (XHR).
// Without JavaScript the form posts as it is and the page comes back with the outcome.
(function () {
  "use strict";

  function describe(files) {
    if (!files || !files.length) return "";
    if (files.length === 1) return files[0].name + " chosen.";
    return files.length + " files chosen.";
  }

  function setUp(form) {
    if (form.dataset.uploadReady) return;
    form.dataset.uploadReady = "1";
    var input = form.querySelector("[data-upload-input]");
    var zone = form.querySelector("[data-dropzone]");
    var box = form.querySelector("[data-upload-progress]");
    var bar = box ? box.querySelector("progress") : null;
    var status = form.querySelector("[data-upload-status]");

    function say(text) {
      if (status) status.textContent = text;
      if (box) box.hidden = false;
    }

    if (zone && input) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("is-dragging");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("is-dragging"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!event.dataTransfer || !event.dataTransfer.files.length) return;
        input.files = event.dataTransfer.files;
        say(describe(input.files) + " Press Upload to send.");
      });
      input.addEventListener("change", function () { say(describe(input.files)); });
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest || !input || !input.files.length) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable || !bar) return;
        bar.value = Math.round((e.loaded / e.total) * 100);
        say(bar.value < 100 ? "Uploading… " + bar.value + " %" : "Reading your files…");
      });
      xhr.addEventListener("load", function () {
        var next = null;
        try { next = JSON.parse(xhr.responseText).redirect; } catch (err) { next = null; }
        if (!next) { form.submit(); return; }
        // Back to the page with the outcome (in its messages). The same page with a new
        // hash would not load again, so it is reloaded.
        var target = new URL(next, window.location.href);
        var here = window.location;
        if (target.pathname === here.pathname && target.search === here.search) {
          here.hash = target.hash;
          here.reload();
        } else {
          here.assign(target.href);
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      if (bar) bar.value = 0;
      say("Uploading…");
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(setUp);
})();
