// PNG without a server-side rasteriser: the browser draws the inline SVG onto a canvas.
// The link names the file (data-filename). A static file: the Content Security Policy
// refuses inline script; the SVG is read as an image from a data: URL (img-src allows it).
(function () {
  "use strict";
  var link = document.getElementById("xm-png");
  var svg = document.querySelector("#xm-figure svg");
  if (!link || !svg || !window.HTMLCanvasElement) { return; }
  link.hidden = false;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var w = svg.viewBox.baseVal.width, h = svg.viewBox.baseVal.height, scale = 2;
    var source = new XMLSerializer().serializeToString(svg);
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = w * scale; canvas.height = h * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = link.getAttribute("data-filename") || "x-matrix.png";
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
      }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
  });
})();
