/* Tables that read on every screen (styles in reader.css).
 *
 * - Every cell learns its column's heading (data-label), so below 640 px each row can
 *   be shown as a card whose fields say what they are; the table keeps its table roles
 *   for screen readers, which CSS display changes would otherwise drop.
 * - On those narrow screens, long notes and sources fold behind a "Notes and sources"
 *   toggle, so no row is taller than a screen.
 * - A table wider than the text column says so above it ("scroll sideways") and keeps
 *   its first column in view while it scrolls.
 * - A long table scrolls in a box of its own, with its headings pinned at the top.
 * - On paper everything shows (print rules in reader.css): folded notes open before the
 *   page prints and close again after, as the reader left them.
 *
 * Progressive enhancement: without JavaScript the tables are plain, complete tables.
 */
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 640px)");
  var LONG_ROWS = 12;
  // Columns whose text is reference material rather than the row's point.
  var FOLDABLE = /^(source|sources|notes)/i;

  function headings(table) {
    if (!table.tHead || !table.tHead.rows.length) { return []; }
    return Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
  }

  function keepTableRoles(table) {
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        cell.setAttribute("role", cell.tagName === "TH" ? "columnheader" : "cell");
      });
    });
  }

  function labelCells(table, names) {
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (names[i]) { cell.setAttribute("data-label", names[i]); }
        });
      });
    });
  }

  function foldLongCells(table, names) {
    names.forEach(function (name, i) {
      if (!FOLDABLE.test(name)) { return; }
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var cell = row.cells[i];
          if (!cell || !cell.textContent.trim() || cell.querySelector("details.table-fold")) { return; }
          var fold = document.createElement("details");
          fold.className = "table-fold";
          var summary = document.createElement("summary");
          summary.textContent = name;
          fold.appendChild(summary);
          while (cell.firstChild) { fold.appendChild(cell.firstChild); }
          cell.appendChild(fold);
          cell.classList.add("table-folded");
        });
      });
    });
  }

  function markScrolling(table) {
    var box = table.closest(".pst-scrollable-table-container");
    if (!box) { return; }
    var wide = !NARROW.matches && box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("table-scrolls", wide);
    var cue = box.previousElementSibling;
    var hasCue = cue && cue.classList.contains("table-scroll-cue");
    if (wide && !hasCue) {
      cue = document.createElement("p");
      cue.className = "table-scroll-cue";
      cue.textContent = "This table is wider than the page: scroll it sideways for more columns \u2192";
      box.parentNode.insertBefore(cue, box);
    } else if (!wide && hasCue) {
      cue.remove();
    }
  }

  function enhance(table) {
    var names = headings(table);
    if (!names.length) { return; }
    table.classList.add("table-cards");
    keepTableRoles(table);
    labelCells(table, names);
    if (NARROW.matches) { foldLongCells(table, names); }
    var box = table.closest(".pst-scrollable-table-container");
    var rows = table.tBodies.length ? table.tBodies[0].rows.length : 0;
    if (box && rows > LONG_ROWS) {
      box.classList.add("table-long");
      // A scrolling region must be reachable and named for keyboard users.
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = table.caption ? table.caption.textContent.replace(/\s+/g, " ").trim() : "";
      box.setAttribute("aria-label", caption || ("Table: " + names.join(", ")));
    }
    markScrolling(table);
  }

  function start() {
    var tables = document.querySelectorAll(".bd-article table");
    Array.prototype.forEach.call(tables, enhance);
    var resize = function () {
      Array.prototype.forEach.call(tables, markScrolling);
      if (NARROW.matches) { Array.prototype.forEach.call(tables, function (t) { foldLongCells(t, headings(t)); }); }
    };
    window.addEventListener("resize", resize);
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = Array.prototype.filter.call(document.querySelectorAll(".bd-article details:not([open])"),
        function (fold) { fold.open = true; return true; });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (fold) { fold.open = false; });
      opened = [];
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
