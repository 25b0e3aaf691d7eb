// The search scorer (book_extensions/static/search-scorer.js): its pure functions and its
// Scorer, under `node --test tests/js/` (tests/test_sortable_table.py runs it under pytest).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { queryWords, bonus, bestAnchor, sentence, snippetTries, Scorer } =
  require("../../book_extensions/static/search-scorer.js");

// Two pages; "steadfast" (stem "steadfast") used 3 times on page 0 and 60 on page 1.
const COUNTS = {
  docs: ["a", "b"],
  stems: { steadfast: { 0: 3, 1: 60 }, host: { 1: 2 } },
  anchors: [["the-appeal"], []],
  sections: { steadfast: { 0: 0 } },
};
const stem = (word) => (word === "hosted" ? "host" : word);

test("a query splits into lower-case words, punctuation dropped", () => {
  assert.deepEqual(queryWords("Steadfast, hosted!"), ["steadfast", "hosted"]);
  assert.deepEqual(queryWords("  "), []);
});

test("the bonus is 0.1 per use of a query word, by stem, capped below a title match", () => {
  assert.equal(bonus(COUNTS, 0, ["steadfast"], stem), 0.3);
  assert.equal(bonus(COUNTS, 1, ["steadfast", "hosted"], stem), 4.9);
  assert.equal(bonus(COUNTS, 0, ["hosted"], stem), 0);
  assert.ok(bonus(COUNTS, 1, ["steadfast"], stem) < Scorer.title - Scorer.term);
});

test("a hit links to the section that uses the first word with a section most", () => {
  assert.equal(bestAnchor(COUNTS, 0, ["hosted", "steadfast"], stem), "#the-appeal");
  assert.equal(bestAnchor(COUNTS, 1, ["steadfast"], stem), null);
});

test("the snippet is the sentence around the word, starting at a word", () => {
  const text = "The case began in 2016. Steadfast hosted Imagebam for years. It ended.";
  assert.equal(sentence(text, ["steadfast"]), "\u2026Steadfast hosted Imagebam for years.");
  assert.equal(sentence(text, ["nothing"]), "The case began in 2016.");
  assert.equal(sentence(text, ["case"]), "The case began in 2016.", "first sentence: from its start");
  assert.equal(sentence("Outsteadfast. steadfast here.", ["steadfast"]), "\u2026steadfast here.");
});

test("a snippet tries the words as typed, then stems, then stems a letter shorter", () => {
  assert.deepEqual(snippetTries(["contributory"], new Set(["Contributori"])),
                   ["contributory", "contributori", "contributor"]);
});

test("the Scorer keeps Sphinx's weights, which searchtools.js then does not define", () => {
  for (const field of ["objNameMatch", "objPartialMatch", "objPrio", "objPrioDefault",
                       "title", "partialTitle", "term", "partialTerm"]) {
    assert.equal(typeof Scorer[field], field === "objPrio" ? "object" : "number", field);
  }
  const result = ["a", "A", "", null, 7, "a.html"];
  assert.equal(Scorer.score(result), 7, "no counts loaded: the score is Sphinx's");
});
