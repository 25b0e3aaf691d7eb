/*
 * The book's search scorer, given to Sphinx through its documented `html_search_scorer`
 * setting (Sphinx puts this file in _static/language_data.js, after the search language's
 * stemmer and before its splitter; it needs `Scorer` complete, with Sphinx's own weights,
 * since searchtools.js defines its Scorer only when none exists).
 * book_extensions/search_ranking.py explains why and writes _static/search-counts.js
 * (BOOK_SEARCH_COUNTS) for the search page; its search language (BookEnglish) writes the
 * stemmer and splitter this file calls (stems start with "^"; BOOK_SEARCH_RULES).
 *
 * - score(): a page's score plus 0.1 point per use of a query word in its prose, at most
 *   4.9 (a passing mention never overtakes a title match, worth 10 more); a hit in the
 *   text links to the section that uses the first query word most; and each page is
 *   listed once: every result of one page takes the title and link of its best one, so
 *   Sphinx's own removal of identical results keeps one (a glossary entry and the
 *   glossary page, a section title and the section a text hit links to).
 * - snippets: the sentence that matched, from the page's prose (code, headings and
 *   controls left out), starting and ending at a word; "v.", "No.", "U.S.", "Inc." and
 *   initials do not end a sentence; a glossary entry shows its definition. Sphinx has no
 *   setting for this: Search.htmlToText and Search.makeSearchSummary are replaced (see
 *   "Workarounds" in the editing guide).
 *
 * The pure functions are exported for Node (tests/js/search-scorer.test.mjs).
 */
/* global BOOK_SEARCH_COUNTS, BOOK_SEARCH_RULES, Stemmer, Search, splitQuery */
const BookSearch = (() => {
  const WORD = /[^\p{L}\p{N}_]+/u;
  const MAX = 240; // longest snippet, in characters
  const BEFORE = 100; // at most this much of a long sentence before the word
  // Words that a full stop follows without ending the sentence (lower case, no stop).
  const ABBREVIATIONS = new Set([
    "v", "vs", "no", "nos", "inc", "co", "corp", "ltd", "llc", "cir", "supp", "cal", "wash",
    "fed", "app", "al", "cf", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "p", "pp", "para",
    "art", "sec", "ch", "fig", "figs", "vol", "ed", "eds", "rev", "dist", "ct", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "id",
  ]);

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

  /** Whether the full stop at `dot` ends a sentence: not after "v", "No", "U.S", "Inc",
   * an initial or a number's letter ("F.3d" has no space after its stops anyway). */
  const endsSentence = (text, dot) => {
    const token = (text.slice(Math.max(0, dot - 40), dot).match(/(\S+)$/) || ["", ""])[1]
      .replace(/^[(["\u201c\u2018']+/u, "");
    if (token.length <= 1 || token.includes(".") || token === "\u00a7") return false;
    return !ABBREVIATIONS.has(token.toLowerCase());
  };

  /** Where the sentences of `text` start: 0, after each "\n", and after each ". ", "? "
   * or "! " (closing quotes and brackets included) that ends a sentence. */
  const sentenceStarts = (text) => {
    const starts = [0];
    const stop = /([.?!])[)\]"'\u201d\u2019]*( +|\n)|\n/gu;
    let match;
    while ((match = stop.exec(text)) !== null) {
      const next = match.index + match[0].length;
      if (match[1] === "." && match[2] !== "\n" && !endsSentence(text, match.index)) continue;
      if (match[1] && match[2] !== "\n" && /^\p{Ll}/u.test(text.slice(next))) continue;
      if (next < text.length) starts.push(next);
    }
    return starts;
  };

  /** Where `word` starts a word in `text` (lower case), or -1. */
  const wordAt = (lower, word) => {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return lower.search(new RegExp("(?<![\\p{L}\\p{N}])" + escaped, "u"));
  };

  /** The sentence of `text` around the first of `tries` found at a word start, at most
   * MAX characters, cut only between words; "…" where it does not start or end the text. */
  const sentence = (text, tries) => {
    const lower = text.toLowerCase();
    let at = -1;
    let length = 0;
    for (const word of tries) {
      at = wordAt(lower, word);
      if (at > -1) { length = word.length; break; }
    }
    if (at < 0) at = 0; // in the index but not in the prose shown: the start
    const starts = sentenceStarts(text);
    let start = 0;
    let end = text.length;
    for (const s of starts) {
      if (s <= at) start = s;
      else { end = s; break; }
    }
    let from = start;
    let to = text.slice(0, end).trimEnd().length;
    if (at - from > BEFORE) { // a long sentence: start at a word shortly before the match
      from = text.indexOf(" ", at - BEFORE) + 1;
      if (from <= 0 || from > at) from = at;
    }
    if (to - from > MAX) { // and end at a word, after the match
      const cut = text.lastIndexOf(" ", from + MAX);
      to = Math.max(cut > at + length ? cut : at + length, at + length);
    }
    const cutEnd = to < text.slice(0, end).trimEnd().length;
    return (from > 0 ? "\u2026" : "") + text.slice(from, to).trim() + (cutEnd ? "\u2026" : "");
  };

  /** The words tried for a snippet, most telling first: the query as typed (a phrase,
   * or its one word), abbreviations among the stems ("content delivery network" is
   * searched as "cdn") and the long forms of those, the words as typed, the stems
   * (without the mark), then stems a letter shorter ("contributori" is the stem of
   * "contributory", not a prefix of it). */
  const snippetTries = (typed, keywords, rules) => {
    const mark = (rules && rules.mark) || "";
    const longForms = (rules && rules.longForms) || {};
    const stems = [...keywords].map((k) => k.toLowerCase().replace(mark, "")).filter(Boolean);
    const short = [...typed, ...stems].filter((w) => longForms[w]);
    const tries = [typed.join(" "), ...short, ...short.map((w) => longForms[w]), ...typed,
      ...stems, ...stems.map((k) => k.slice(0, Math.max(4, k.length - 1)))];
    return tries.filter((w, i) => w && tries.indexOf(w) === i);
  };

  /** Each page once: every result of a page takes the title and anchor of the page's
   * best-scoring result so far (results are arrays Sphinx reads after scoring). */
  const onePerPage = (pages, result, score) => {
    let page = pages.get(result[0]);
    if (!page) {
      page = { results: [], best: null, score: -Infinity };
      pages.set(result[0], page);
    }
    page.results.push(result);
    if (score > page.score) {
      page.score = score;
      page.best = [result[1], result[2]];
    }
    for (const member of page.results) [member[1], member[2]] = page.best;
  };

  return { queryWords, bonus, bestAnchor, sentenceStarts, sentence, snippetTries, onePerPage };
})();

const bookQueryText = () => new URLSearchParams(window.location.search).get("q") || "";
// The query as the index is searched: the search language's splitter (an abbreviation's
// long form becomes the abbreviation), lower-cased.
const bookQuery = () => (typeof splitQuery === "function"
  ? splitQuery(bookQueryText().toLowerCase()) : BookSearch.queryWords(bookQueryText()));
const bookPages = { query: null, pages: new Map() };

// Sphinx 7.4's weights (searchtools.js), unchanged; score() adds the bonus.
var Scorer = {
  objNameMatch: 11, objPartialMatch: 6, objPrio: { 0: 15, 1: 5, 2: -5 }, objPrioDefault: 0,
  title: 15, partialTitle: 7, term: 5, partialTerm: 2,
  score: (result) => {
    const [docname, , anchor, , score] = result;
    if (typeof BOOK_SEARCH_COUNTS === "undefined" || typeof Stemmer === "undefined") return score;
    const words = bookQuery();
    if (bookPages.query !== words.join(" ")) {
      bookPages.query = words.join(" ");
      bookPages.pages = new Map();
    }
    const page = BOOK_SEARCH_COUNTS.docs.indexOf(docname);
    let total = score;
    if (page > -1) {
      const stemmer = new Stemmer();
      const stem = (word) => stemmer.stemWord(word);
      if (!anchor) {
        const best = BookSearch.bestAnchor(BOOK_SEARCH_COUNTS, page, words, stem);
        if (best) result[2] = best;
      }
      total += BookSearch.bonus(BOOK_SEARCH_COUNTS, page, words, stem);
    }
    BookSearch.onePerPage(bookPages.pages, result, total);
    return total;
  },
};

if (typeof Search !== "undefined") {
  const NOT_PROSE = ".headerlink, script, style, .cell_input, div.highlight, pre, summary, "
    + ".sortable-table-controls, .chart-zoom-open, .facts-as-of, .book-edition, "
    + ".bd-header-article, .prev-next-footer";
  const BLOCKS = "p, li, dt, dd, h1, h2, h3, h4, h5, h6, td, th, caption, figcaption, tr, "
    + "blockquote, div.admonition-title";
  const HEADINGS = "h1, h2, h3, h4, h5, h6";
  const SEPARATOR = "\ue000";
  const flat = (node) => (node ? node.textContent : "").replace(/\s+/g, " ").trim();
  // The text of an element, one line per block (paragraph, item, cell, heading).
  const lines = (element) => {
    element.querySelectorAll(BLOCKS).forEach((block) => block.append(SEPARATOR));
    return element.textContent.replace(/\s+/g, " ")
      .replace(new RegExp(` ?${SEPARATOR}[ ${SEPARATOR}]*`, "g"), "\n").trim();
  };
  // The part of a page a result points at, as text: a glossary entry with its
  // definition ("CDN, content delivery network: A network of…"), a section or the article.
  const resultText = (htmlString, anchor, withHeadings) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(NOT_PROSE).forEach((el) => el.remove());
    const main = page.querySelector("article") || page.querySelector('[role="main"]');
    const target = anchor && main ? main.querySelector(anchor) : null;
    if (target && target.tagName === "DT") {
      const terms = [];
      let node = target;
      while (node && node.tagName === "DT") node = node.previousElementSibling;
      for (node = node ? node.nextElementSibling : target.parentElement.firstElementChild;
        node && node.tagName === "DT"; node = node.nextElementSibling) terms.push(flat(node));
      return node ? `${terms.join(", ")}: ${flat(node)}` : terms.join(", ");
    }
    const block = target || main;
    if (!block) return "";
    if (!withHeadings) block.querySelectorAll(HEADINGS).forEach((el) => el.remove());
    return lines(block);
  };
  Search.htmlToText = (htmlString, anchor) => resultText(htmlString, anchor, true);
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const rules = typeof BOOK_SEARCH_RULES === "undefined" ? null : BOOK_SEARCH_RULES;
    const tries = BookSearch.snippetTries(BookSearch.queryWords(bookQueryText()), keywords, rules);
    // The prose first; a section's or page's headings only when the prose lacks the words.
    let text = resultText(htmlText, anchor, false);
    const lower = text.toLowerCase();
    if (!tries.some((word) => lower.includes(word))) text = resultText(htmlText, anchor, true);
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = text ? BookSearch.sentence(text, tries) : "";
    return summary;
  };
}

if (typeof module === "object" && module.exports) {
  module.exports = { ...BookSearch, Scorer };
}
