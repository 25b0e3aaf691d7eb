// The search scorer (book_extensions/static/search-scorer.js): its pure functions and its
// Scorer, under `node --test tests/js/` (tests/test_sortable_table.py runs it under pytest).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { queryWords, bonus, bestAnchor, sentence, snippetTries, onePerPage, Scorer } =
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
  assert.equal(sentence("Outsteadfast and steadfast.", ["steadfast"]), "Outsteadfast and steadfast.");
  assert.equal(sentence("A heading\nThe steadfast line. More.", ["steadfast"]),
               "\u2026The steadfast line.", "a line break (a new block) starts a sentence");
});

test("v., No., U.S., Inc., section signs and initials do not end a sentence", () => {
  const text = "Before. The Supreme Court decided Cox Communications, Inc. v. Sony Music "
    + "Entertainment, No. 24-171, under 17 U.S.C. \u00a7 512 before Judge George H. Wu ruled. After.";
  assert.equal(sentence(text, ["sony"]), "\u2026" + text.slice(8, -7));
  assert.equal(sentence("It ended in 2018. Cox lost.", ["cox"]), "\u2026Cox lost.");
  assert.equal(sentence("She spoke to the U.S. Then she left.", ["spoke"]),
               "She spoke to the U.S. Then she left.", "an abbreviation at a sentence's end: kept whole");
});

test("a long sentence is cut at words, keeping the word in view", () => {
  const words = Array.from({ length: 80 }, (_, i) => `word${i}`);
  words[60] = "Steadfast";
  const snippet = sentence(words.join(" ") + ".", ["steadfast"]);
  assert.ok(snippet.startsWith("\u2026word") && snippet.endsWith("\u2026"), snippet);
  assert.ok(snippet.includes("Steadfast") && snippet.length <= 245, snippet);
  for (const part of snippet.replace(/\u2026/g, "").split(" ")) {
    assert.ok(part === "Steadfast" || /^word\d+$/.test(part), `cut inside a word: ${part}`);
  }
});

test("a snippet tries the query, abbreviations and long forms, words, stems, shorter stems", () => {
  const rules = { mark: "^", longForms: { cdn: "content delivery network" } };
  assert.deepEqual(snippetTries(["contributory"], new Set(["^contributori"]), rules),
                   ["contributory", "contributori", "contributor"]);
  assert.deepEqual(snippetTries(["content", "delivery", "network"], new Set(["^cdn"]), rules),
                   ["content delivery network", "cdn", "content", "delivery", "network", "cdn".slice(0, 4)]
                     .filter((w, i, all) => all.indexOf(w) === i));
  assert.deepEqual(snippetTries(["cdn"], new Set(["^cdn"]), rules).slice(0, 2),
                   ["cdn", "content delivery network"]);
});

test("each page is listed once, under its best result's title and link", () => {
  const pages = new Map();
  const glossaryPage = ["glossary", "Glossary", "", null, 5, "glossary.md"];
  const entry = ["glossary", "Glossary", "#term-cdn", null, 100, "glossary.md"];
  const title = ["ch6", "Harbors > Where does a CDN fit?", "#where", null, 15, "ch6.md"];
  const text = ["ch6", "Harbors", "#where", null, 5, "ch6.md"];
  onePerPage(pages, glossaryPage, 5.3);
  onePerPage(pages, entry, 100.2);
  onePerPage(pages, title, 15.1);
  onePerPage(pages, text, 5.4);
  const key = (r) => r.slice(0, 4).join("|");
  assert.equal(key(glossaryPage), key(entry));
  assert.equal(entry[2], "#term-cdn");
  assert.equal(key(title), key(text));
  assert.equal(text[1], "Harbors > Where does a CDN fit?");
});

test("the Scorer keeps Sphinx's weights, which searchtools.js then does not define", () => {
  for (const field of ["objNameMatch", "objPartialMatch", "objPrio", "objPrioDefault",
                       "title", "partialTitle", "term", "partialTerm"]) {
    assert.equal(typeof Scorer[field], field === "objPrio" ? "object" : "number", field);
  }
  const result = ["a", "A", "", null, 7, "a.html"];
  assert.equal(Scorer.score(result), 7, "no counts loaded: the score is Sphinx's");
});
