/* The Academy side of a SCORM lesson (docs/scorm.md).
 *
 * The package plays in a frame on another origin; its player posts each commit here.
 * Only messages from that frame and that origin are read, and they are saved through
 * the runtime endpoint with this page's session and CSRF token.
 */
(function () {
  "use strict";
  var section = document.querySelector(".scorm-player");
  if (!section) return;
  var frame = section.querySelector(".scorm-frame");
  var status = section.querySelector(".scorm-status");
  var origin = section.dataset.contentOrigin;
  var token = section.querySelector("input[name=csrfmiddlewaretoken]").value;
  var messages = {};
  section.querySelector("template.scorm-messages").content
    .querySelectorAll("[data-message]")
    .forEach(function (element) {
      messages[element.dataset.message] = element.textContent;
    });
  var queue = Promise.resolve();

  function show(key) {
    status.textContent = messages[key] || "";
    status.dataset.state = key;
  }

  function save(cmi, terminate) {
    var body = JSON.stringify({ session: section.dataset.session, cmi: cmi });
    // One commit at a time, in order; keepalive lets the last one outlive the page.
    queue = queue.then(function () {
      return fetch(section.dataset.runtimeUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: terminate && body.length < 60000,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: body,
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (result) {
          section.dataset.completed = String(result.completed);
          section.dataset.courseCompleted = String(result.course_completed);
          show(result.course_completed ? "course_completed" : result.completed ? "completed" : "saved");
        })
        .catch(function () {
          show("failed");
        });
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === "academy-scorm-commit" && message.cmi && typeof message.cmi === "object") {
      save(message.cmi, Boolean(message.terminate));
    } else if (message.type === "academy-scorm-ready") {
      section.dataset.ready = "true";
    }
  });
})();
