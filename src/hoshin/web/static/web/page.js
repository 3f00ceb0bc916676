// Small behaviours pages ask for with data- attributes instead of inline handlers
// (onchange=, onclick=, onfocus=), which the Content Security Policy refuses
// (docs/security.md):
//   <select data-submit-on-change>  submits its form when the choice changes;
//   <input data-select-on-focus>    selects its text on focus (a link to copy);
//   <button data-print>             prints the page.
// Listeners sit on the document, so content htmx swaps in behaves the same.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-select-on-focus]")) { field.select(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();
