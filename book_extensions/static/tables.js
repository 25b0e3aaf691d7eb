/* Tables that fit every screen (styles in reader.css, "Tables").
 *
 * - Every cell learns its column's heading (data-label), so a row can be shown as a card
 *   whose fields say what they are; the table keeps its table roles for screen readers,
 *   which CSS display changes would otherwise drop.
 * - A table becomes cards whenever it does not fit its column, or fits only with rows
 *   taller than most of the screen (measured, not guessed from the screen's width: a
 *   tablet gets cards for a wide table and a table for a narrow one), and always on a
 *   phone. Nothing scrolls sideways.
 * - In a card, short fields (every value of the column short) share a line, and empty
 *   fields are left out.
 * - Notes and sources fold behind a toggle in cards and in long tables, so no row is
 *   taller than a screen and a long table reads down the page, its headings pinned
 *   under the page header, instead of in a box that scrolls on its own. In a table,
 *   opened notes show in a panel over the row, not down a narrow column.
 * - On paper everything shows (print rules in reader.css): folded notes open before the
 *   page prints and close again after, as the reader left them.
 *
 * Progressive enhancement: without JavaScript the tables are plain, complete tables.
 */
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 640px)");
  var LONG_ROWS = 12;
  var SHORT = 40; // characters: a column whose every value is this short shares a card line
  // Columns whose text is reference material rather than the row's point.
  var FOLDABLE = /^(source|sources|notes)/i;

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function textOf(node) { return node.textContent.replace(/\s+/g, " ").trim(); }

  function headings(table) {
    if (!table.tHead || !table.tHead.rows.length) { return []; }
    return Array.prototype.map.call(table.tHead.rows[0].cells, textOf);
  }

  function bodyRows(table) {
    var rows = [];
    each(table.tBodies, function (body) { each(body.rows, function (row) { rows.push(row); }); });
    return rows;
  }

  function keepTableRoles(table) {
    table.setAttribute("role", "table");
    each(table.querySelectorAll("thead, tbody"), function (group) { group.setAttribute("role", "rowgroup"); });
    each(table.rows, function (row) {
      row.setAttribute("role", "row");
      each(row.cells, function (cell) {
        cell.setAttribute("role", cell.tagName === "TH" ? "columnheader" : "cell");
      });
    });
  }

  // Label every cell, mark the empty ones and those of columns short enough to share a line.
  function labelCells(table, names) {
    var rows = bodyRows(table);
    var short = names.map(function (name, i) {
      return !FOLDABLE.test(name) && rows.every(function (row) {
        return !row.cells[i] || textOf(row.cells[i]).length <= SHORT;
      });
    });
    rows.forEach(function (row) {
      each(row.cells, function (cell, i) {
        if (names[i]) {
          cell.setAttribute("data-label", names[i]);
          // A short field's label runs into its value: "Date: 1996", "Liable? yes".
          cell.setAttribute("data-label-inline", names[i] + (/[?:]$/.test(names[i]) ? " " : ": "));
        }
        cell.classList.toggle("table-empty", !textOf(cell));
        cell.classList.toggle("table-short", !!short[i]);
      });
    });
  }

  function fold(table, names) {
    names.forEach(function (name, i) {
      if (!FOLDABLE.test(name)) { return; }
      bodyRows(table).forEach(function (row) {
        var cell = row.cells[i];
        if (!cell || !textOf(cell) || cell.querySelector("details.table-fold")) { return; }
        var details = document.createElement("details");
        details.className = "table-fold";
        var summary = document.createElement("summary");
        summary.textContent = name;
        details.appendChild(summary);
        var body = document.createElement("div");
        body.className = "table-fold-body";
        while (cell.firstChild) { body.appendChild(cell.firstChild); }
        details.appendChild(body);
        cell.appendChild(details);
        cell.classList.add("table-folded");
      });
    });
  }

  // Whether some row of the table, laid out as a table, is taller than most of the screen
  // (its columns squeezed to a few words a line).
  function squeezed(table) {
    var limit = 0.75 * window.innerHeight;
    return bodyRows(table).some(function (row) { return row.getBoundingClientRect().height > limit; });
  }

  function box(table) { return table.closest(".pst-scrollable-table-container") || table.parentElement; }

  // Cards or a table: a table that is wider than its column, or squeezed into it (and any
  // table on a phone), becomes cards. Every table is laid out as a table first and all are
  // measured together, then all are switched: one layout for the page, not one per table.
  // A phone needs no measuring at all.
  function layout(tables) {
    var phone = PHONE.matches;
    if (!phone) {
      tables.forEach(function (table) {
        table.classList.remove("table-as-cards");
        box(table).classList.remove("table-holds-cards");
      });
    }
    var cards = tables.map(function (table) {
      return phone || table.offsetWidth > box(table).clientWidth + 1 || squeezed(table);
    });
    tables.forEach(function (table, i) {
      if (cards[i]) {
        fold(table, headings(table));
      }
      table.classList.toggle("table-as-cards", cards[i]);
      box(table).classList.toggle("table-holds-cards", cards[i]);
      box(table).classList.toggle("table-fits", !cards[i]);
    });
  }

  function enhance(table) {
    var names = headings(table);
    if (!names.length) { return; }
    table.classList.add("table-enhanced");
    keepTableRoles(table);
    labelCells(table, names);
    if (bodyRows(table).length > LONG_ROWS) {
      table.classList.add("table-long");
      fold(table, names);
    }
  }

  function start() {
    var tables = Array.prototype.filter.call(document.querySelectorAll(".bd-article table"),
      function (table) { return headings(table).length > 0; });
    tables.forEach(enhance);
    layout(tables);
    var pending = null;
    window.addEventListener("resize", function () {
      window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(function () { layout(tables); });
    });
    // A table with an open note is always drawn: the note's panel may reach past the
    // table's box, which content-visibility (reader.css) would clip. (A class, not CSS
    // :has(), which the EPUB's checker cannot parse.)
    document.addEventListener("toggle", function (event) {
      var table = event.target.closest && event.target.closest("table");
      if (!table || !event.target.classList.contains("table-fold")) { return; }
      box(table).classList.toggle("table-note-open", !!table.querySelector("details.table-fold[open]"));
    }, true);
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = Array.prototype.filter.call(document.querySelectorAll(".bd-article details:not([open])"),
        function (details) { details.open = true; return true; });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      opened = [];
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
