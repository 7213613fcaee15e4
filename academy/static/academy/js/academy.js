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

  // A lesson's video is a link until the learner plays it; the player's iframe is
  // made then, so the lesson page never waits for the video provider.
  function videoPlayers(root) {
    root.querySelectorAll(".video-facade[data-embed]").forEach(function (frame) {
      var link = frame.querySelector(".video-play");
      if (!link) { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var player = document.createElement("iframe");
        player.src = frame.dataset.embed + "?autoplay=1";
        player.title = frame.dataset.title;
        player.allowFullscreen = true;
        player.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
        player.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
        player.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation");
        frame.replaceChild(player, link);
        player.focus();
      });
    });
  }

  function start() {
    applyWidths(document);
    copyShareLinks(document);
    confirmations(document);
    videoPlayers(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
