/*
 * The book's search scorer, given to Sphinx through its documented `html_search_scorer`
 * setting (Sphinx puts this file in _static/language_data.js; it needs `Scorer`
 * complete, with Sphinx's own weights, since searchtools.js defines its Scorer only when
 * none exists). book_extensions/search_ranking.py explains why and writes
 * _static/search-counts.js (BOOK_SEARCH_COUNTS) for the search page.
 *
 * - score(): a page's score plus 0.1 point per use of a query word in its prose, at most
 *   4.9 (a passing mention never overtakes a title match, worth 10 more); a hit in the
 *   text links to the section that uses the first query word most.
 * - snippets: the sentence that matched, from the page's prose (code left out). Sphinx
 *   has no setting for this: Search.htmlToText and Search.makeSearchSummary are
 *   replaced (see "Workarounds" in the editing guide).
 *
 * The pure functions are exported for Node (tests/js/search-scorer.test.mjs).
 */
/* global BOOK_SEARCH_COUNTS, Stemmer, Search */
const BookSearch = (() => {
  const WORD = /[^\p{L}\p{N}_]+/u;

  /** The words of a query, lower-cased. */
  const queryWords = (query) => query.toLowerCase().split(WORD).filter(Boolean);

  /** How often page `page` uses the words (by stem, else as typed): the bonus, 0 to 4.9. */
  const bonus = (counts, page, words, stem) => {
    let uses = 0;
    for (const word of words) {
      const found = counts.stems[stem(word)] || counts.stems[word];
      if (found && found[page]) uses += found[page];
    }
    return Math.min(uses, 49) / 10;
  };

  /** The anchor ("#id") of the section of `page` that uses the first word with one most. */
  const bestAnchor = (counts, page, words, stem) => {
    for (const word of words) {
      const best = (counts.sections[stem(word)] || {})[page];
      if (best !== undefined) return "#" + counts.anchors[page][best];
    }
    return null;
  };

  /** The sentence of `text` around the first of `tries` found at a word start. */
  const sentence = (text, tries) => {
    const lower = text.toLowerCase();
    let at = -1;
    for (const word of tries) {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      at = lower.search(new RegExp("(^|[^\\p{L}])" + escaped, "u"));
      if (at > -1) { if (at > 0 || /[^\p{L}]/u.test(lower[0])) at += 1; break; }
    }
    if (at < 0) at = 0; // in the index but not in the prose shown: the start
    const stop = text.lastIndexOf(". ", at); // the sentence starts after the last full stop
    const start = Math.max(stop < 0 ? 0 : stop + 2, at - 200);
    let end = text.indexOf(". ", at);
    end = end < 0 ? Math.min(text.length, at + 200) : Math.min(end + 1, at + 200);
    return (start > 0 ? "\u2026" : "") + text.slice(start, end).trim()
      + (end < text.length && text[end - 1] !== "." ? "\u2026" : "");
  };

  /** The words tried for a snippet: as typed, then stems, then stems a letter shorter
   * ("contributori" is the stem of "contributory", not a prefix of it). */
  const snippetTries = (typed, keywords) => {
    const stems = [...keywords].map((k) => k.toLowerCase());
    return [...typed, ...stems, ...stems.map((k) => k.slice(0, Math.max(4, k.length - 1)))];
  };

  return { queryWords, bonus, bestAnchor, sentence, snippetTries };
})();

const bookQuery = () =>
  BookSearch.queryWords(new URLSearchParams(window.location.search).get("q") || "");

// Sphinx 7.4's weights (searchtools.js), unchanged; score() adds the bonus.
var Scorer = {
  objNameMatch: 11, objPartialMatch: 6, objPrio: { 0: 15, 1: 5, 2: -5 }, objPrioDefault: 0,
  title: 15, partialTitle: 7, term: 5, partialTerm: 2,
  score: (result) => {
    const [docname, , anchor, , score] = result;
    if (typeof BOOK_SEARCH_COUNTS === "undefined" || typeof Stemmer === "undefined") return score;
    const page = BOOK_SEARCH_COUNTS.docs.indexOf(docname);
    if (page < 0) return score;
    const stemmer = new Stemmer();
    const stem = (word) => stemmer.stemWord(word);
    const words = bookQuery();
    if (!anchor) {
      const best = BookSearch.bestAnchor(BOOK_SEARCH_COUNTS, page, words, stem);
      if (best) result[2] = best;
    }
    return score + BookSearch.bonus(BOOK_SEARCH_COUNTS, page, words, stem);
  },
};

if (typeof Search !== "undefined") {
  const NOT_PROSE = ".headerlink, script, style, .cell_input, div.highlight, pre, summary, "
    + ".sortable-table-controls, .chart-zoom-open";
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(NOT_PROSE).forEach((el) => el.remove());
    const main = page.querySelector('[role="main"]');
    const block = (anchor && main && main.querySelector(anchor)) || main;
    return block ? block.textContent : "";
  };
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const text = Search.htmlToText(htmlText, anchor).replace(/\s+/g, " ").trim();
    if (!text) return null;
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = BookSearch.sentence(text, BookSearch.snippetTries(bookQuery(), keywords));
    return summary;
  };
}

if (typeof module === "object" && module.exports) {
  module.exports = { ...BookSearch, Scorer };
}
