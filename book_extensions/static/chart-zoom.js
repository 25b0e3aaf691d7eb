/* Every chart opens full size: a tap or click on the chart, or its "Full size" button
 * (keyboard: Tab to it, Enter or Space), shows it in a dialog at no less than its own
 * size, where the chart's smallest text is about 10 CSS px or more; on a phone the
 * dialog scrolls (and pinch-zooms) across a wide chart, and the chart's label column
 * (its lane names, as the page's <picture data-label-column> gives its share of the
 * width, down to the foot of its axes, data-label-rows of the height) stays pinned at
 * the left while the rest scrolls under it; the key below the axes scrolls with the
 * chart, uncovered. Escape, the Close
 * button or a click on the backdrop closes it, and focus goes back to where it was.
 *
 * Progressive enhancement: without JavaScript the chart is a plain image in the page.
 * Nothing is loaded from anywhere; the dialog shows the same file the page shows.
 */
(function () {
  "use strict";

  var dialog = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "chart-zoom-dialog";
    dialog.setAttribute("aria-label", "Chart, full size");
    var bar = document.createElement("div");
    bar.className = "chart-zoom-bar";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "chart-zoom-close";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    var hint = document.createElement("span");
    hint.className = "chart-zoom-hint";
    bar.appendChild(hint);
    bar.appendChild(close);
    var frame = document.createElement("div");
    frame.className = "chart-zoom-frame";
    var caption = document.createElement("p");
    caption.className = "chart-zoom-caption";
    dialog.appendChild(bar);
    dialog.appendChild(frame);
    dialog.appendChild(caption);
    // A click outside the dialog's box (on the backdrop) closes it.
    dialog.addEventListener("click", function (event) {
      var r = dialog.getBoundingClientRect();
      var inside = event.clientX >= r.left && event.clientX <= r.right &&
                   event.clientY >= r.top && event.clientY <= r.bottom;
      if (!inside) { dialog.close(); }
    });
    document.body.appendChild(dialog);
  }

  // Full size: the chart's own width (its SVG size), up to 1.6 times that where the
  // screen has room, never less, so text stays as large as it was drawn.
  function zoomWidth(image) {
    var natural = image.naturalWidth || image.width;
    var room = document.documentElement.clientWidth - 48;
    return Math.max(natural, Math.min(room, natural * 1.6));
  }

  function open(image, opener) {
    if (!dialog) { buildDialog(); }
    var frame = dialog.querySelector(".chart-zoom-frame");
    var canvas = document.createElement("div");
    canvas.className = "chart-zoom-canvas";
    // The full-size rendering: the img's own file, not the phone source a <picture> may
    // have chosen for the page.
    var big = document.createElement("img");
    big.className = "chart-zoom-image";
    big.alt = image.alt;
    big.src = image.getAttribute("src");
    canvas.appendChild(big);
    frame.textContent = "";
    frame.appendChild(canvas);
    var figure = image.closest("figure");
    var caption = figure && figure.querySelector("figcaption");
    var words = caption ? caption.cloneNode(true) : null;
    if (words) {
      words.querySelectorAll(".chart-zoom-open, .headerlink").forEach(function (b) { b.remove(); });
    }
    dialog.querySelector(".chart-zoom-caption").textContent =
      words ? words.textContent.replace(/\s+/g, " ").trim() : "";
    dialog.setAttribute("aria-label", (caption && caption.querySelector(".caption-number")
      ? caption.querySelector(".caption-number").textContent.trim() + " " : "") + "full size");
    dialog.addEventListener("close", function () { opener.focus(); }, { once: true });
    dialog.showModal();
    dialog.querySelector(".chart-zoom-close").focus();
    var picture = image.closest("picture");
    var column = picture ? parseFloat(picture.getAttribute("data-label-column")) : 0;
    var rows = picture ? parseFloat(picture.getAttribute("data-label-rows") || "1") : 1;
    if (big.complete && big.naturalWidth) {
      fit(frame, canvas, big, column, rows);
    } else {
      big.addEventListener("load", function () { fit(frame, canvas, big, column, rows); }, { once: true });
    }
  }

  // Size the full-size chart once its file is known, then say how to see the rest of a
  // wide chart and pin its label column (lane names), a copy of the chart's left part
  // as far down as its axes go (not the key below them).
  function fit(frame, canvas, big, column, rows) {
    var width = zoomWidth(big);
    big.style.width = width + "px";
    var wide = frame.scrollWidth > frame.clientWidth + 1;
    dialog.querySelector(".chart-zoom-hint").textContent =
      wide ? "Scroll sideways to see the whole chart" : "";
    if (wide && column > 0) {
      var pin = document.createElement("div");
      pin.className = "chart-zoom-pin";
      pin.setAttribute("aria-hidden", "true");
      pin.style.width = Math.ceil(column * width) + "px";
      var height = big.naturalHeight * width / big.naturalWidth;
      pin.style.height = Math.ceil(Math.min(1, rows > 0 ? rows : 1) * height) + "px";
      var labels = big.cloneNode(false);
      labels.alt = "";
      pin.appendChild(labels);
      canvas.appendChild(pin);
    }
  }

  function enhance(image) {
    var figure = image.closest("figure");
    var holder = figure || image.parentNode;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-zoom-open";
    button.textContent = "Full size";
    var number = figure && figure.querySelector(".caption-number");
    if (number) {
      // Said after the visible words, so the name still starts with what is shown.
      button.setAttribute("aria-label", "Full size " + number.textContent.trim());
    }
    button.addEventListener("click", function () { open(image, button); });
    image.classList.add("chart-zoom-target");
    image.addEventListener("click", function () { open(image, button); });
    var caption = figure && figure.querySelector("figcaption");
    if (caption) {
      caption.insertBefore(button, caption.firstChild);
    } else {
      holder.insertBefore(button, image.nextSibling);
    }
  }

  function start() {
    var images = document.querySelectorAll(".bd-article figure img, .bd-article .cell_output img");
    Array.prototype.forEach.call(images, enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
