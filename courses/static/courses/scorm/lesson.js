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

  // A SCO's navigation request, once its last commit is saved: go where the lesson's
  // own links would (the server checks the move against the manifest again).
  function navigate(request) {
    var link = null;
    if (request === "continue") link = section.querySelector("a[rel=next]");
    if (request === "previous") link = section.querySelector("a[rel=prev]");
    if (link) {
      window.location.assign(link.href);
      return;
    }
    var choice = /^\{target=([^}]+)\}(choice|jump)$/.exec(request || "");
    if (choice) {
      var url = new URL(window.location.href);
      url.search = "";
      url.searchParams.set("sco", choice[1]);
      window.location.assign(url.toString());
    }
  }

  // Leaving for another part of the lesson: unload the SCO first, so that its last
  // commit (session time, exit) is sent and saved while this page can still take it,
  // then go; after LEAVE_WAIT ms go anyway (a SCO that never terminates).
  var LEAVE_WAIT = 4000;
  var leaving = null;

  function leave(href) {
    if (leaving) return;
    leaving = href;
    frame.src = "about:blank";
    setTimeout(function () { window.location.assign(href); }, LEAVE_WAIT);
  }

  section.addEventListener("click", function (event) {
    var link = event.target.closest(".scorm-toc a, .scorm-flow a");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    leave(link.href);
  });

  // The package's sequencing opened parts with this commit (a SCO passed): the
  // contents stop marking them "not open yet" (the server checks again anyway).
  function reopen(closed) {
    section.querySelectorAll(".scorm-toc li[data-disabled]").forEach(function (entry) {
      if (closed.indexOf(entry.dataset.item) !== -1) return;
      entry.removeAttribute("data-disabled");
      var link = entry.querySelector("a[aria-disabled]");
      if (link) link.removeAttribute("aria-disabled");
      var label = entry.querySelector(".scorm-closed");
      if (label) label.remove();
    });
  }

  function save(cmi, terminate, nav) {
    var body = JSON.stringify({ session: section.dataset.session, cmi: cmi });
    // One commit at a time, in order; keepalive lets the last one outlive the page.
    queue = queue.then(function () {
      return post(body, terminate, 0)
        .then(function (result) {
          section.dataset.completed = String(result.completed);
          section.dataset.passed = String(result.passed);
          section.dataset.itemCompleted = String(result.item_completed);
          section.dataset.courseCompleted = String(result.course_completed);
          if (Array.isArray(result.closed)) reopen(result.closed);
          show(result.course_completed ? "course_completed" : result.completed ? "completed" : "saved");
          if (terminate && leaving) window.location.assign(leaving);
          else if (terminate && nav) navigate(nav);
        })
        .catch(function () {
          show("failed");
          if (terminate && leaving) window.location.assign(leaving);
        });
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === "academy-scorm-commit" && message.cmi && typeof message.cmi === "object") {
      save(message.cmi, Boolean(message.terminate), typeof message.nav === "string" ? message.nav : "");
    } else if (message.type === "academy-scorm-ready") {
      section.dataset.ready = "true";
    }
  });
})();
