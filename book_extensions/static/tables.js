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
 * - A page of many tables (the data appendix has 22) stays responsive while it loads: the
 *   tables on the screen are done before it is first painted, the others one table per
 *   task while the browser is idle, and any left are done at once before the page prints.
 *   <html data-tables="ready"> says that every table is done (the browser tests wait for it).
 * - A table that widens after it was laid out (the first page a browser opens may lay its
 *   text out a few pixels narrower at first) is laid out again.
 *
 * Progressive enhancement: without JavaScript the tables are plain, complete tables.
 * The scheduling (queue) is exported for Node: tests/js/tables.test.mjs.
 */
(function (factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api; // Node (the tests): the queue, no DOM needed
  }
  if (typeof document !== "undefined") {
    api.start();
  }
})(function () {
  "use strict";

  // `work` done over `items` a few at a time, in their order: queue.now(some) does those of
  // `some` not done yet, together; queue.next() does the next one, and schedules the one
  // after it (`later`: in a task of its own), until none is left. Then `ready` is called, once.
  function queue(items, work, later, ready) {
    var pending = items.slice();
    function now(some) {
      var chosen = function (item) { return some.indexOf(item) >= 0; };
      var these = pending.filter(chosen);
      pending = pending.filter(function (item) { return !chosen(item); });
      if (these.length) { work(these); }
      if (!pending.length && ready) {
        var call = ready;
        ready = null;
        call();
      }
    }
    function next() {
      now(pending.slice(0, 1));
      if (pending.length) { later(next); }
    }
    return { now: now, next: next };
  }

  var PHONE = "(max-width: 640px)";
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
  // table on a phone), becomes cards. The tables given are laid out as tables first and
  // measured together, then all are switched: one layout for them, not one per table.
  // A phone needs no measuring at all.
  function layout(tables) {
    var phone = window.matchMedia(PHONE).matches;
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

  // Labels, roles and folds, set while the table is out of the page and then put back: the
  // browser restyles it once, not once for each of its hundreds of changes (on the data
  // appendix, under Lighthouse, this more than halved the script's time). Not a table that
  // holds the keyboard's focus, which taking it out would lose. On a phone every table
  // reads as cards, so its notes fold now too.
  function enhance(table) {
    var names = headings(table);
    var parent = table.parentNode;
    var next = table.nextSibling;
    var out = !table.contains(document.activeElement);
    if (out) { parent.removeChild(table); }
    table.classList.add("table-enhanced");
    keepTableRoles(table);
    labelCells(table, names);
    if (bodyRows(table).length > LONG_ROWS) {
      table.classList.add("table-long");
    }
    if (bodyRows(table).length > LONG_ROWS || window.matchMedia(PHONE).matches) {
      fold(table, names);
    }
    if (out) { parent.insertBefore(table, next); }
  }

  // The browser's idle moments where it has them (Safari has not), else the next task.
  function later(fn) {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(fn, { timeout: 500 });
    } else {
      window.setTimeout(fn, 1);
    }
  }

  function start() {
    var tables = Array.prototype.filter.call(document.querySelectorAll(".bd-article table"),
      function (table) { return headings(table).length > 0; });
    var done = [];
    // A table that fitted when measured can widen afterwards: the first page a browser
    // opens may lay out its text a few pixels narrower until the system's font settings
    // reach it. Each table done is watched, and one that now overflows its column is
    // laid out again (becoming cards).
    var widened = typeof ResizeObserver === "function" && new ResizeObserver(function (entries) {
      var over = entries.map(function (entry) { return entry.target; }).filter(function (table) {
        return !table.classList.contains("table-as-cards") && table.offsetWidth > box(table).clientWidth + 1;
      });
      // In the next frame: a change of size inside the observer's callback is an error.
      if (over.length) { window.requestAnimationFrame(function () { layout(over); }); }
    });
    var work = queue(tables, function (some) {
      some.forEach(enhance);
      layout(some);
      done = done.concat(some);
      some.forEach(function (table) { if (widened) { widened.observe(table); } });
    }, later, function () { document.documentElement.setAttribute("data-tables", "ready"); });
    // Before the first paint: the tables on the screen (found in the layout that paint
    // needs anyway), so what a reader first sees does not change; then the rest, one at
    // a time, long before a reader scrolls to them.
    window.requestAnimationFrame(function () {
      work.now(tables.filter(function (table) {
        var where = box(table).getBoundingClientRect();
        return where.bottom > 0 && where.top < window.innerHeight;
      }));
      later(work.next);
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(function () { layout(done); });
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
      work.now(tables);
      opened = Array.prototype.filter.call(document.querySelectorAll(".bd-article details:not([open])"),
        function (details) { details.open = true; return true; });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      opened = [];
    });
  }

  function startWhenReady() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  return { queue: queue, start: startWhenReady };
});
