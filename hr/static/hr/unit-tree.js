// The unit tree chooser (hr/widgets/unit_tree.html): filters the tree as
// one types a name or a code, keeping the units above a match visible and unfolded.
// Without this script the tree still works: every unit is a radio button.
(function () {
  "use strict";
  function setUp(tree) {
    if (tree.dataset.unitTreeReady) return;
    tree.dataset.unitTreeReady = "1";
    var box = tree.querySelector("[data-unit-tree-search]");
    var status = tree.querySelector("[data-unit-tree-status]");
    var none = tree.querySelector("[data-unit-tree-none]");
    var items = Array.prototype.slice.call(tree.querySelectorAll("li[data-unit-search]"));
    var folded = items.map(function (item) {
      var details = item.querySelector(":scope > details");
      return details ? details.open : null;
    });
    box.closest("[hidden]").hidden = false;
    function filter() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item, index) {
        var details = item.querySelector(":scope > details");
        if (!words.length) {
          item.hidden = false;
          if (details) details.open = folded[index];
          return;
        }
        item.hidden = true;
        if (details) details.open = false;
      });
      if (!words.length) {
        status.textContent = "";
        none.hidden = true;
        return;
      }
      items.forEach(function (item) {
        var text = item.dataset.unitSearch;
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        if (!match) return;
        shown += 1;
        item.hidden = false;
        var parent = item.parentElement.closest("li[data-unit-search]");
        while (parent) {
          parent.hidden = false;
          var details = parent.querySelector(":scope > details");
          if (details) details.open = true;
          parent = parent.parentElement.closest("li[data-unit-search]");
        }
      });
      status.textContent = (tree.dataset.matchesLabel || "") + " " + shown;
      none.hidden = shown > 0;
    }
    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // do not submit the form
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-unit-tree]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
