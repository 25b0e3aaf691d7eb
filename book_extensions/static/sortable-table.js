/* Sort and filter for tables with the class "sortable-table" (progressive enhancement).
 *
 * Without JavaScript the table stays a plain, captioned HTML table. With it, each column
 * heading becomes a button that sorts the rows (press again to reverse), and a labelled
 * search box above the table hides rows that do not contain the text typed. A status
 * line announces the result to screen readers. Nothing is loaded from anywhere.
 */
(function () {
  "use strict";

  function text(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.replace(/\s+/g, " ").trim() : "";
  }

  var MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"];
  // "17 July 2020", "July 2020", "2020" or the start of "February 2018 – May 2018".
  var DATE = /^(?:(\d{1,2}) )?(?:([A-Za-z]+) )?(\d{4})\b/;

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

  // How a column sorts: "number", "date" or "text", whichever fits every cell.
  function kind(rows, index) {
    var values = rows.map(function (row) { return text(row, index); }).filter(Boolean);
    if (values.every(function (v) { return /^-?\d+(\.\d+)?$/.test(v); })) {
      return "number";
    }
    if (values.every(function (v) { return dateKey(v) !== null; })) {
      return "date";
    }
    return "text";
  }

  function compare(x, y, how) {
    if (how === "number") {
      return (parseFloat(x) || 0) - (parseFloat(y) || 0);
    }
    if (how === "date") {
      return dateKey(x) - dateKey(y);
    }
    return x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
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
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
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
      button.textContent = th.textContent.replace(/\s+/g, " ").trim();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var how = kind(rows, index);
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = text(a, index);
          var y = text(b, index);
          var order = compare(x, y, how);
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
