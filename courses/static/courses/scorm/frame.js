/* The SCORM player frame, on the packages' own origin (docs/scorm.md).
 *
 * Holds scorm-again's API where the package looks for it (window.API for SCORM 1.2,
 * window.API_1484_11 for 2004), starts it from the data the server saved, and hands
 * every commit to the Academy's lesson page by postMessage: this origin has no
 * session, so the page, not this frame, saves the data (with its CSRF token).
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var parentOrigin = config.parentOrigin;

  function send(message) {
    window.parent.postMessage(message, parentOrigin);
  }

  var httpService = {
    processHttpRequest: function (url, params, immediate, apiLog, processListeners, metadata, done) {
      // An instructor's preview records nothing: the data stays in this frame.
      if (config.preview) {
        if (typeof done === "function") done();
        return { result: "true", errorCode: 0 };
      }
      var terminate = Boolean(metadata && metadata.isTerminateCommit);
      send({
        type: "academy-scorm-commit",
        cmi: params,
        terminate: terminate,
        // SCORM 2004: what the SCO asks the LMS to do next (continue, previous,
        // {target=ID}choice, exitAll...); the lesson page acts on it once saved.
        nav: terminate && api && api.adl && api.adl.nav ? String(api.adl.nav.request || "") : "",
      });
      if (typeof done === "function") done();
      return { result: "true", errorCode: 0 };
    },
    updateSettings: function () {},
  };

  var settings = {
    lmsCommitUrl: "academy:commit",
    dataCommitFormat: "flattened",
    sendFullCommit: true,
    autocommit: true,
    autocommitSeconds: 10,
    logLevel: 5,
    httpService: httpService,
  };
  var api;
  if (config.version === "1.2") {
    api = new window.Scorm12API(settings);
    window.API = api;
  } else {
    api = new window.Scorm2004API(settings);
    window.API_1484_11 = api;
  }
  // One element at a time, in the server's order (a record's id first, an
  // interaction's type before its response): a value this runtime refuses (data
  // saved under another version of it, say) loses that element, not the resume.
  Object.keys(config.cmi).forEach(function (key) {
    var element = {};
    element[key] = config.cmi[key];
    try {
      api.loadFromFlattenedJSON(element, "");
    } catch (error) {
      if (window.console) window.console.warn("SCORM: not resumed:", key, error && error.message);
    }
  });
  send({ type: "academy-scorm-ready" });
  document.getElementById("scorm-content").src = config.launch;
})();
