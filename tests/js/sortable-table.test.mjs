// The sort and filter rules of book_extensions/static/sortable-table.js, as pure functions.
// Run with `node --test tests/js/` (tests/test_sortable_table.py runs it under pytest).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { cellText, dateKey, columnKind, compareValues, matches } =
  require("../../book_extensions/static/sortable-table.js");

test("dates as the book writes them sort day < month < year-only within their year", () => {
  assert.equal(dateKey("17 July 2020"), 20200717);
  assert.equal(dateKey("July 2020"), 20200700);
  assert.equal(dateKey("2020"), 20200000);
  assert.ok(dateKey("2020") < dateKey("July 2020"));
  assert.ok(dateKey("July 2020") < dateKey("17 July 2020"));
  assert.ok(dateKey("30 June 2020") < dateKey("July 2020"));
});

test("an approximate span sorts by its start", () => {
  assert.equal(dateKey("February 2018 – May 2018"), 20180200);
});

test("text that is not a date has no date key", () => {
  assert.equal(dateKey("Steadfast"), null);
  assert.equal(dateKey("Smarch 2020"), null); // not a month
});

test("a column is numeric, dated or text by what every non-empty cell holds", () => {
  assert.equal(columnKind(["1", "12", "-3.5", ""]), "number");
  assert.equal(columnKind(["17 July 2020", "2016", "October 2016"]), "date");
  assert.equal(columnKind(["17 July 2020", "pending"]), "text");
});

test("numbers compare as numbers, not as text", () => {
  const sorted = ["10", "9", "100"].sort((x, y) => compareValues(x, y, "number"));
  assert.deepEqual(sorted, ["9", "10", "100"]);
});

test("dates compare chronologically, not alphabetically", () => {
  const values = ["17 July 2020", "October 2016", "2007", "February 2018 – May 2018"];
  const sorted = [...values].sort((x, y) => compareValues(x, y, "date"));
  assert.deepEqual(sorted, ["2007", "October 2016", "February 2018 – May 2018", "17 July 2020"]);
});

test("text compares case-insensitively with numbers in order", () => {
  const sorted = ["grokster", "Amazon", "Case 10", "Case 9"].sort((x, y) => compareValues(x, y, "text"));
  assert.deepEqual(sorted, ["Amazon", "Case 9", "Case 10", "grokster"]);
});

test("the filter keeps rows containing the query, ignoring case and outer spaces", () => {
  assert.ok(matches("Perfect 10 v. Visa", "  visa "));
  assert.ok(!matches("Perfect 10 v. Visa", "cloudflare"));
  assert.ok(matches("anything", "   "));
});

test("cell text is read as a reader sees it", () => {
  assert.equal(cellText("  17\n   July 2020 "), "17 July 2020");
  assert.equal(cellText(undefined), "");
});
