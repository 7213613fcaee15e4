/* The attempt page: autosave as the learner answers, and a countdown to the deadline.
 * No inline scripts (the site runs under a strict Content-Security-Policy); without
 * JavaScript the form still works through its "Save answers" and "Submit" buttons.
 * The server enforces the time limit; the countdown only tells the learner. */
(function () {
  "use strict";

  var form = document.getElementById("attempt-form");
  if (!form) {
    return;
  }
  var statusLine = document.querySelector(".autosave-status");
  var saveUrl = form.getAttribute("data-save-url");
  var pending = null;
  var inFlight = false;
  var dirty = false;
  var submitting = false;

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text;
    }
  }

  function save() {
    if (inFlight || submitting) {
      dirty = true;
      return;
    }
    inFlight = true;
    dirty = false;
    say(statusLine.getAttribute("data-saving-label"));
    var body = new FormData(form);
    fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (reply) {
        say(reply.data.message || "");
        if (reply.data.closed && reply.data.redirect) {
          window.location.assign(reply.data.redirect);
        }
      })
      .catch(function () {
        say(statusLine.getAttribute("data-failed-label"));
        dirty = true;
      })
      .then(function () {
        inFlight = false;
        if (dirty) {
          schedule(3000);
        }
      });
  }

  function schedule(delay) {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function () {
    schedule(400);
  });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") {
      schedule(1500);
    }
  });
  form.addEventListener("submit", function () {
    submitting = true;
    if (pending) {
      window.clearTimeout(pending);
    }
  });

  var timer = document.querySelector(".timer[data-deadline]");
  if (timer) {
    var deadline = Date.parse(timer.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 60) {
        timer.classList.add("urgent");
      }
      if (left === 0) {
        window.clearInterval(interval);
        timer.textContent = timer.getAttribute("data-expired-label");
        if (!submitting) {
          submitting = true;
          // Time is up: grade what there is, without asking about unanswered ones.
          var confirm = document.createElement("input");
          confirm.type = "hidden";
          confirm.name = "confirm_unanswered";
          confirm.value = "1";
          form.appendChild(confirm);
          form.submit();
        }
      }
    };
    var interval = window.setInterval(tick, 1000);
    tick();
  }
})();
