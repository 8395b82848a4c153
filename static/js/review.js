// The review queue from the keyboard: j / ArrowDown and k / ArrowUp move between candidates (the current one is
// outlined and its quote lit in the text), a accepts it, r puts the cursor in its reject reason (Enter rejects).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var list = document.getElementById("candidates");
    if (!list) return;
    var rows = Array.prototype.slice.call(list.querySelectorAll("li.candidate"));
    if (!rows.length) return;
    var current = -1;

    function markOf(row) {
      var id = row.getAttribute("data-candidate");
      var anchor = document.getElementById("candidate-" + id);
      return anchor && anchor.tagName !== "MARK" ? anchor.closest("mark") : anchor;
    }

    function select(index) {
      if (index < 0 || index >= rows.length) return;
      if (current >= 0) {
        rows[current].classList.remove("current");
        var before = markOf(rows[current]);
        if (before) before.classList.remove("current");
      }
      current = index;
      var row = rows[current];
      row.classList.add("current");
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
      var mark = markOf(row);
      if (mark) {
        mark.classList.add("current");
        mark.scrollIntoView({ block: "nearest" });
      }
    }

    // Start at the candidate named in the address (after a save) or at the first still pending.
    var start = rows.findIndex(function (row) {
      return location.hash === "#candidate-" + row.getAttribute("data-candidate");
    });
    if (start < 0) start = rows.findIndex(function (row) { return row.classList.contains("status-pending"); });
    select(start < 0 ? 0 : start);

    rows.forEach(function (row, index) {
      row.addEventListener("click", function () { if (index !== current) select(index); });
    });

    list.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.getAttribute("data-role") !== "reason") return;
      event.preventDefault();
      var form = event.target.form;
      form.requestSubmit(form.querySelector("button[data-action=reject]"));
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
      if (typing) {
        if (event.key === "Escape") target.blur();
        return;
      }
      var row = rows[current];
      var form = row && row.querySelector("form[data-role=review]");
      switch (event.key) {
        case "j": case "ArrowDown": select(current + 1); break;
        case "k": case "ArrowUp": select(current - 1); break;
        case "a":
          if (!form) return;
          form.requestSubmit(form.querySelector("button[data-action=accept]"));
          break;
        case "r":
          if (!form) return;
          form.querySelector("input[data-role=reason]").focus();
          break;
        default: return;
      }
      event.preventDefault();
    });

    // A click on a lit quote in the text selects its candidate.
    document.getElementById("report-text").addEventListener("click", function (event) {
      var mark = event.target.closest("mark[data-candidates]");
      if (!mark) return;
      var first = mark.getAttribute("data-candidates").split(" ")[0];
      var index = rows.findIndex(function (row) { return row.getAttribute("data-candidate") === first; });
      if (index >= 0) select(index);
    });
  });
})();
