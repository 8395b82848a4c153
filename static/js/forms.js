/* Forms that act when a choice changes, without inline handlers (the Content-Security-Policy forbids them):
   <select data-autosubmit> sends its form on change; data-clears="other" first empties the form's field "other"
   (the pipeline's region and park choices exclude each other). Without JavaScript the <noscript> button sends. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("select[data-autosubmit]") || !field.form) return;
    var other = field.getAttribute("data-clears");
    if (other && field.form.elements[other]) field.form.elements[other].value = "";
    field.form.submit();
  });
})();
