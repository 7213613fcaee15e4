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

  // A commit the server could not take for a passing reason (a 5xx, the network) is
  // sent again, up to RETRIES times with a growing pause; a refusal (4xx) is not.
  var RETRIES = 3;

  function pause(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function post(body, terminate, attempt) {
    function again(error) {
      if (attempt >= RETRIES) throw error;
      return pause(500 * Math.pow(2, attempt)).then(function () {
        return post(body, terminate, attempt + 1);
      });
    }
    return fetch(section.dataset.runtimeUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: terminate && body.length < 60000,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: body,
    }).then(
      function (response) {
        if (response.status >= 500) return again(new Error(String(response.status)));
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      },
      again
    );
  }

  function save(cmi, terminate) {
    var body = JSON.stringify({ session: section.dataset.session, cmi: cmi });
    // One commit at a time, in order; keepalive lets the last one outlive the page.
    queue = queue.then(function () {
      return post(body, terminate, 0)
        .then(function (result) {
          section.dataset.completed = String(result.completed);
          section.dataset.passed = String(result.passed);
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
