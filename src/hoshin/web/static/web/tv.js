// The TV screen moves on after its interval (data-tv-seconds on the timer bar); it holds
// while someone moves the pointer (for a few seconds after) or has keyboard focus on the
// page, and resumes where it stopped. A pointer left still on a wall screen does not hold
// it. Arrows step by hand. A static file, not inline: the Content Security Policy refuses
// inline script (docs/security.md).
(function () {
  "use strict";
  var timer = document.querySelector(".tv-timer");
  var nextLink = document.querySelector('[data-tv="next"]');
  var prevLink = document.querySelector('[data-tv="prev"]');
  if (!timer || !nextLink || !prevLink) { return; }
  var total = Number(timer.getAttribute("data-tv-seconds")) * 1000;
  var left = total, last = Date.now(), moved = 0, focused = false;
  var bar = timer.querySelector("span");
  var next = nextLink.href, prev = prevLink.href;
  document.addEventListener("mousemove", function () { moved = Date.now(); });
  document.addEventListener("focusin", function () { focused = true; });
  document.addEventListener("focusout", function () { focused = false; });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") { location.href = next; }
    if (e.key === "ArrowLeft") { location.href = prev; }
  });
  setInterval(function () {
    var now = Date.now(), held = focused || now - moved < 5000;
    document.body.classList.toggle("tv-paused", held);
    if (!held && !document.hidden) { left -= now - last; }
    last = now;
    // Set through the style object (CSSOM), which the policy allows, unlike style= in markup.
    bar.style.width = (100 * (total - Math.max(left, 0)) / total) + "%";
    if (left <= 0) { location.href = next; }
  }, 200);
})();
