// After a decision is swapped in (htmx), keep the keyboard on that item rather than at the
// page top. A static file: the Content Security Policy refuses inline script.
document.body.addEventListener("htmx:afterSettle", function (e) {
  var heading = e.target.querySelector && e.target.querySelector("h3[tabindex]");
  if (heading) { heading.focus(); }
});
