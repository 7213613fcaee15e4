/* Runs the Academy's SCORM player frame (courses/static/courses/scorm/frame.js) with
 * the vendored scorm-again in Node, as the browser would, and plays a SCO's part.
 *
 * stdin: {"runtime": scorm-again's file, "frame": frame.js,
 *         "config": the player's config (version, cmi, ...),
 *         "get": [elements to read after Initialize],
 *         "set": [[element, value], ...] written after reading, then Commit}
 * stdout: {"values": {element: [value, error code]}, "commits": [flattened CMI]}
 */
"use strict";
const fs = require("fs");
const vm = require("vm");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const config = input.config;
const commits = [];
const noop = function () {};
const context = {
  console: { log: noop, info: noop, debug: noop, warn: noop, error: noop },
  setTimeout: setTimeout,
  clearTimeout: clearTimeout,
  setInterval: setInterval,
  clearInterval: clearInterval,
  navigator: { onLine: true },
  addEventListener: noop,
  removeEventListener: noop,
  document: {
    addEventListener: noop,
    removeEventListener: noop,
    getElementById: function (id) {
      if (id === "scorm-config") return { textContent: JSON.stringify(config) };
      return {}; // the package's iframe: its src is set and nothing loads
    },
  },
};
context.window = context;
context.self = context;
context.parent = {
  postMessage: function (message) {
    if (message.type === "academy-scorm-commit") commits.push(message.cmi);
  },
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(input.runtime, "utf8"), context);
vm.runInContext(fs.readFileSync(input.frame, "utf8"), context);

const v12 = config.version === "1.2";
const api = v12 ? context.API : context.API_1484_11;
const call = function (name12, name2004) {
  const args = Array.prototype.slice.call(arguments, 2);
  return api[v12 ? name12 : name2004].apply(api, args);
};
call("LMSInitialize", "Initialize", "");
const values = {};
(input.get || []).forEach(function (element) {
  const value = call("LMSGetValue", "GetValue", element);
  values[element] = [value, String(call("LMSGetLastError", "GetLastError"))];
});
(input.set || []).forEach(function (pair) {
  call("LMSSetValue", "SetValue", pair[0], pair[1]);
  const error = String(call("LMSGetLastError", "GetLastError"));
  if (error !== "0") values["set " + pair[0]] = [pair[1], error];
});
call("LMSCommit", "Commit", "");
process.stdout.write(JSON.stringify({ values: values, commits: commits }));
process.exit(0);
