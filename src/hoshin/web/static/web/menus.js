// The header's menus are <details> disclosures: they open and close without script, by
// mouse, touch and keyboard. This only adds what a menu is expected to do besides: close
// on Escape (focus back on its button), on a click elsewhere, and when another one opens.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("details[data-menu][open]"); }
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus().forEach(function (menu) {
      menu.open = false;
      if (menu.contains(document.activeElement)) { menu.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details[data-menu]") || !opened.open) { return; }
    menus().forEach(function (menu) { if (menu !== opened) { menu.open = false; } });
  }, true);
}());
