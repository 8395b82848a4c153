/* The header on a phone: the sections fold behind the menu button, which opens and closes them
   (Enter/Space as any button, Escape closes and gives the focus back). (The language list switches on
   change through forms.js.) Without this file the sections simply stay open. */
(function () {
  "use strict";

  var header = document.getElementById("site-header");
  var toggle = document.getElementById("nav-toggle");
  var menu = document.getElementById("site-menu");

  if (header && toggle && menu) {
    document.documentElement.classList.add("nav-ready");

    var setOpen = function (open) {
      header.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };

    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      setOpen(open);
      if (open) {
        var first = menu.querySelector("a, button, select");
        if (first) first.focus();
      }
    });

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });

    // A click outside the open menu closes it, as a tap elsewhere does on a phone.
    document.addEventListener("click", function (event) {
      if (header.classList.contains("open") && !header.contains(event.target)) setOpen(false);
    });
  }
})();
