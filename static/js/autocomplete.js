/* The autocomplete that stands in for a select of thousands of rows (shangdang_portal/widgets.py).

   The page renders <span data-autocomplete="/api/v1/companies/" data-chosen-label="…"> around a plain id
   field (name="company"). This script keeps that field, hidden, as what the form sends, and puts a
   combobox in front of it: typing asks the API list for `?q=<text>` and lists the matches; ↑/↓ move,
   Enter or a click picks, Escape closes. Picking writes the row's id into the hidden field; editing the
   text afterwards clears it, so a name that was not picked is never sent as the old id. Without this
   file the id field works as it is. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DELAY_MS = 200;
  var counter = 0;

  function setup(box) {
    var field = box.querySelector("input");
    if (!field || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    counter += 1;
    var source = box.getAttribute("data-autocomplete");
    var chosenLabel = box.getAttribute("data-chosen-label") || "";
    var textNone = box.getAttribute("data-text-none") || "";
    var textCount = box.getAttribute("data-text-count") || "%(count)s";
    var fieldId = field.id || "autocomplete-" + counter;
    var listId = fieldId + "-listbox";
    var statusId = fieldId + "-status";

    // The visible combobox takes over the field's id, so the page's <label for> names it.
    var input = document.createElement("input");
    input.type = "text";
    input.id = fieldId;
    input.value = field.value ? chosenLabel || field.value : "";
    input.placeholder = box.getAttribute("data-text-hint") || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.className = "autocomplete-input";
    field.id = fieldId + "-value";
    field.type = "hidden";
    field.removeAttribute("placeholder");

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;

    var status = document.createElement("span");
    status.id = statusId;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var chosen = box.querySelector(".autocomplete-chosen");
    if (chosen) chosen.parentNode.removeChild(chosen);
    box.insertBefore(input, field);
    box.appendChild(list);
    box.appendChild(status);

    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var picked = input.value;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      var element = options[active].element;
      input.setAttribute("aria-activedescendant", element.id);
      if (element.scrollIntoView) element.scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var option = options[index];
      if (!option) return;
      field.value = option.id;
      input.value = picked = option.name;
      close();
    }

    function show(rows) {
      list.textContent = "";
      options = rows.map(function (row, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-value", row.id);
        item.textContent = row.name;
        list.appendChild(item);
        return { id: String(row.id), name: row.name, element: item };
      });
      if (!options.length) {
        var empty = document.createElement("li");
        empty.className = "autocomplete-empty";
        empty.textContent = textNone;
        list.appendChild(empty);
      }
      status.textContent = options.length ? textCount.replace("%(count)s", options.length) : textNone;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      var text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      asked += 1;
      var mine = asked;
      var url = source + "?" + new URLSearchParams({ q: text, page_size: PAGE_SIZE }).toString();
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          // An answer to an older text arrives late: only the newest one is shown.
          if (mine === asked && document.activeElement === input) show(data.results || []);
        })
        .catch(function () {
          if (mine === asked) show([]);
        });
    }

    input.addEventListener("input", function () {
      if (input.value !== picked) field.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) highlight(active + 1);
        else search();
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          highlight(active - 1);
        }
      } else if (event.key === "Enter") {
        // Enter picks the highlighted row; with none highlighted it sends the form as usual.
        if (open && active >= 0) {
          event.preventDefault();
          pick(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", function () {
      // After a click on an option (mousedown keeps the focus), otherwise close on leaving the field.
      setTimeout(close, 150);
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the input
      var item = event.target.closest ? event.target.closest("[role=option]") : null;
      if (!item) return;
      pick(options.findIndex(function (option) {
        return option.element === item;
      }));
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-autocomplete]"), setup);
})();
