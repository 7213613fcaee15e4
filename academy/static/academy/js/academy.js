/* The Academy's only script on the site's pages, served from our origin (CSP: script-src 'self').
 * No inline scripts or style attributes in templates: widths arrive as data-width and
 * are applied here through the CSSOM, which the Content Security Policy allows. */
(function () {
  "use strict";

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (element) {
      var percent = parseFloat(element.dataset.width);
      if (isFinite(percent)) {
        element.style.width = Math.max(0, Math.min(100, percent)) + "%";
      }
    });
  }

  function copyShareLinks(root) {
    root.querySelectorAll(".copy-share").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copy);
        var done = function () { button.nextElementSibling.hidden = false; };
        input.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () {
            document.execCommand("copy");
            done();
          });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });
  }

  // A button with data-confirm asks before its form is sent (irreversible actions).
  function confirmations(root) {
    root.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  }

  function start() {
    applyWidths(document);
    copyShareLinks(document);
    confirmations(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
