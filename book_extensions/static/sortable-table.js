/* Sort and filter for tables with the class "sortable-table" (progressive enhancement).
 *
 * Without JavaScript the table stays a plain, captioned HTML table. With it, each column
 * heading becomes a button that sorts the rows (press again to reverse); while the rows
 * read as cards (tables.js), whose headings are hidden, a "Sort by" list sorts them
 * instead; and a labelled search box above the table hides rows that do not contain
 * the text typed. A status
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

  // How the "Sort by" list names an order of a column of this kind.
  var ORDER_WORDS = {
    date: ["earliest first", "latest first"],
    number: ["lowest first", "highest first"],
    text: ["A to Z", "Z to A"]
  };

  function enhance(table, n) {
    var body = table.tBodies[0];
    if (!table.tHead || !body) {
      return;
    }
    var rows = Array.prototype.slice.call(body.rows);
    var pageOrder = rows.slice();
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var names = headers.map(function (th) { return cellText(th.textContent); });
    var kinds = headers.map(function (th, index) {
      return columnKind(rows.map(function (row) { return text(row, index); }));
    });
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
    label.appendChild(input);

    // The headings' buttons sort a table; cards hide the headings, so a list sorts them
    // (shown only while the table reads as cards).
    var sortLabel = document.createElement("label");
    sortLabel.className = "sortable-table-sortby";
    sortLabel.htmlFor = "sortable-table-sort-" + n;
    sortLabel.textContent = "Sort by: ";
    var select = document.createElement("select");
    select.id = sortLabel.htmlFor;
    select.appendChild(new Option("page order", ""));
    names.forEach(function (name, index) {
      if (!name) { return; }
      ORDER_WORDS[kinds[index]].forEach(function (words, reverse) {
        select.appendChild(new Option(name + ", " + words, index + (reverse ? ":desc" : ":asc")));
      });
    });
    sortLabel.appendChild(select);

    var status = document.createElement("p");
    status.className = "sortable-table-status";
    status.setAttribute("role", "status");
    status.textContent = rows.length + " rows.";
    controls.appendChild(label);
    controls.appendChild(sortLabel);
    controls.appendChild(status);
    anchor.parentNode.insertBefore(controls, anchor);
    // While tables.js shows the rows as cards (it may decide before or after this runs,
    // and again on resize), the controls show the "Sort by" list.
    var showSortList = function () {
      controls.classList.toggle("sortable-table-cards", table.classList.contains("table-as-cards"));
    };
    showSortList();
    if (typeof MutationObserver === "function") {
      new MutationObserver(showSortList).observe(table, { attributes: true, attributeFilter: ["class"] });
    }
    if (table.id) {
      input.setAttribute("aria-controls", table.id);
      select.setAttribute("aria-controls", table.id);
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

    function place(order) {
      rows = order;
      rows.forEach(function (row) {
        body.appendChild(row);
      });
    }

    function sortBy(index, ascending) {
      headers.forEach(function (other) {
        other.removeAttribute("aria-sort");
      });
      headers[index].setAttribute("aria-sort", ascending ? "ascending" : "descending");
      place(rows.slice().sort(function (a, b) {
        var order = compareValues(text(a, index), text(b, index), kinds[index]);
        return ascending ? order : -order;
      }));
      select.value = index + (ascending ? ":asc" : ":desc");
      status.textContent = "Sorted by " + names[index] + ", " +
        ORDER_WORDS[kinds[index]][ascending ? 0 : 1] + ".";
    }

    select.addEventListener("change", function () {
      if (!select.value) {
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        place(pageOrder.slice());
        status.textContent = "In page order.";
        return;
      }
      var parts = select.value.split(":");
      sortBy(Number(parts[0]), parts[1] === "asc");
    });

    headers.forEach(function (th, index) {
      th.setAttribute("scope", "col");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sortable-table-sort";
      button.textContent = names[index];
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(index, th.getAttribute("aria-sort") !== "ascending");
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
