/* Sort and filter for tables with the class "sortable-table" (progressive enhancement).
 *
 * Without JavaScript the table stays a plain, captioned HTML table. With it, each column
 * heading becomes a button that sorts the rows (press again to reverse), and a labelled
 * search box above the table hides rows that do not contain the text typed. A status
 * line announces the result to screen readers. Nothing is loaded from anywhere.
 *
 * The sort and filter rules are pure functions (cellText, dateKey, columnKind,
 * compareValues, matches), exported for Node so tests/js/sortable-table.test.mjs can test
 * them with `node --test`; in a browser nothing is exported and the tables are enhanced.
 */
(function (factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api; // Node (the tests): the pure functions, no DOM needed
  }
  if (typeof document !== "undefined") {
    api.start();
  }
})(function () {
  "use strict";

  // A cell's text as a reader sees it: runs of white space as one space, trimmed.
  function cellText(value) {
    return String(value || "").replace(/\s+/g, " ").trim();
  }

  function text(row, index) {
    var cell = row.cells[index];
    return cell ? cellText(cell.textContent) : "";
  }

  var MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"];
  // "17 July 2020", "July 2020", "2020" or the start of "February 2018 – May 2018".
  var DATE = /^(?:(\d{1,2}) )?(?:([A-Za-z]+) )?(\d{4})\b/;

  // A sortable number for a date as the book writes it (YYYYMMDD, 0 for an unknown
  // month or day, so "2020" sorts before "July 2020" before "17 July 2020"), or null.
  function dateKey(value) {
    var m = DATE.exec(value);
    if (!m) {
      return null;
    }
    var month = m[2] ? MONTHS.indexOf(m[2].toLowerCase()) + 1 : 0;
    if (m[2] && month === 0) {
      return null;
    }
    return Number(m[3]) * 10000 + month * 100 + (m[1] ? Number(m[1]) : 0);
  }

  // How a column sorts: "number", "date" or "text", whichever fits every non-empty cell.
  function columnKind(values) {
    values = values.filter(Boolean);
    if (values.every(function (v) { return /^-?\d+(\.\d+)?$/.test(v); })) {
      return "number";
    }
    if (values.every(function (v) { return dateKey(v) !== null; })) {
      return "date";
    }
    return "text";
  }

  function compareValues(x, y, how) {
    if (how === "number") {
      return (parseFloat(x) || 0) - (parseFloat(y) || 0);
    }
    if (how === "date") {
      return dateKey(x) - dateKey(y);
    }
    return x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
  }

  // Whether a row whose text is rowText stays visible for the filter query.
  function matches(rowText, query) {
    query = query.trim().toLowerCase();
    return query === "" || rowText.toLowerCase().indexOf(query) !== -1;
  }

  function enhance(table, n) {
    var body = table.tBodies[0];
    if (!table.tHead || !body) {
      return;
    }
    var rows = Array.prototype.slice.call(body.rows);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var anchor = table.closest(".pst-scrollable-table-container") || table;

    var controls = document.createElement("div");
    controls.className = "sortable-table-controls";
    var label = document.createElement("label");
    label.htmlFor = "sortable-table-filter-" + n;
    label.textContent = "Filter rows: ";
    var input = document.createElement("input");
    input.type = "search";
    input.id = label.htmlFor;
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "sortable-table-status";
    status.setAttribute("role", "status");
    status.textContent = rows.length + " rows. Select a column heading to sort.";
    label.appendChild(input);
    controls.appendChild(label);
    controls.appendChild(status);
    anchor.parentNode.insertBefore(controls, anchor);
    if (table.id) {
      input.setAttribute("aria-controls", table.id);
    }

    input.addEventListener("input", function () {
      var shown = 0;
      rows.forEach(function (row) {
        var match = matches(row.textContent, input.value);
        row.hidden = !match;
        shown += match ? 1 : 0;
      });
      status.textContent = shown + " of " + rows.length + " rows shown.";
    });

    headers.forEach(function (th, index) {
      th.setAttribute("scope", "col");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sortable-table-sort";
      button.textContent = cellText(th.textContent);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var how = columnKind(rows.map(function (row) { return text(row, index); }));
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = text(a, index);
          var y = text(b, index);
          var order = compareValues(x, y, how);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
        status.textContent = "Sorted by " + button.textContent.trim() + ", " +
          (ascending ? "ascending" : "descending") + ".";
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable-table"), enhance);
  }

  function startWhenReady() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  return { cellText: cellText, dateKey: dateKey, columnKind: columnKind,
           compareValues: compareValues, matches: matches, start: startWhenReady };
});
