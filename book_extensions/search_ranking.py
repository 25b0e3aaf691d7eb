"""A Sphinx extension that ranks search results by how much a page talks about the words.

Registered in ``_config.yml`` (``sphinx: extra_extensions``). Sphinx's own search scores
a page by *where* a word occurs (page or section title, index entry, text) but not by
*how often*: every page that mentions "Steadfast" once in passing ties with the chapter
about Steadfast, and ties are broken by the pages' titles, alphabetically. So a reader
searching for a defendant could get the data appendix first.

This extension counts, for every page, how often each (stemmed) word occurs in the
page's prose, leaving out what is not prose: bibliography entries, glossary
definitions (they have index entries of their own), code cells and their outputs, and
literal blocks. After the build it writes ``_static/search-ranking.js`` with those
counts and a ``Scorer`` for Sphinx's ``searchtools.js``, loaded by the search page only,
that adds to each page's score a bonus that grows with the count (at most 4.9 points,
so it orders pages that Sphinx scored alike without lifting a passing mention above a
title match, which scores 10 more). Words are stemmed the way the search index stems
them, with the same stemmer the page's ``Stemmer`` uses for the query.

Two more things for the reader of the results. A hit in a page's text links to the
section that uses the query's first word most, not to the page top (the scorer sets
the result's anchor, from the per-section counts below), and its snippet is the sentence
that matched, taken from the page with code left out. And code (code cells, code blocks)
is kept out of the search index altogether: a search for a word finds the prose about
it, not ``cases.set_index("id")``.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

FILENAME = "search-ranking.js"
# Classes of containers whose text is not the page's prose (myst-nb code cells).
NOT_PROSE_CLASSES = {"cell", "cell_input", "cell_output"}

SCORER = """
// Written by book_extensions.search_ranking: see that module for why and how.
var Scorer = {
  objNameMatch: 11, objPartialMatch: 6, objPrio: {0: 15, 1: 5, 2: -5}, objPrioDefault: 0,
  title: 15, partialTitle: 7, term: 5, partialTerm: 2,
  // The bonus: 0.1 point per use of a query word in the page's prose, at most 4.9.
  score: (result) => {
    const [docname, title, anchor, descr, score, filename] = result;
    const counts = ALS_SEARCH_COUNTS.stems;
    const page = ALS_SEARCH_COUNTS.docs.indexOf(docname);
    if (page < 0 || typeof Stemmer === "undefined") return score;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    const stemmer = new Stemmer();
    let uses = 0;
    for (const word of query.toLowerCase().split(/[^\\p{L}\\p{N}_]+/u)) {
      if (!word) continue;
      const found = counts[stemmer.stemWord(word)] || counts[word];
      if (found && found[page]) uses += found[page];
    }
    // A hit in the text (no anchor) goes to the section that uses the first query
    // word with a section of its own most.
    if (!anchor) {
      for (const word of query.toLowerCase().split(/[^\\p{L}\\p{N}_]+/u)) {
        const best = word && (ALS_SEARCH_COUNTS.sections[stemmer.stemWord(word)] || {})[page];
        if (best !== undefined) { result[2] = "#" + ALS_SEARCH_COUNTS.anchors[page][best]; break; }
      }
    }
    return score + Math.min(uses, 49) / 10;
  },
};

// Snippets: the sentence that matched, from the page's prose (code left out), in
// place of searchtools.js's 240 characters around the word, code and all.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;
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
    const text = Search.htmlToText(htmlText, anchor).replace(/\\s+/g, " ").trim();
    if (!text) return null;
    const lower = text.toLowerCase();
    // The words as typed first, then their stems ("contributori" is the stem of
    // "contributory", not a prefix of it, so a stem is tried a letter shorter too).
    const typed = (new URLSearchParams(window.location.search).get("q") || "").toLowerCase()
      .split(/[^\\p{L}\\p{N}_]+/u).filter(Boolean);
    const stems = [...keywords].map((k) => k.toLowerCase());
    const tries = [...typed, ...stems, ...stems.map((k) => k.slice(0, Math.max(4, k.length - 1)))];
    let at = -1;
    for (const word of tries) {
      const escaped = word.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&");
      at = lower.search(new RegExp("(^|[^\\\\p{L}])" + escaped, "u"));
      if (at > -1) { if (at > 0 || /[^\\p{L}]/u.test(lower[0])) at += 1; break; }
    }
    if (at < 0) at = 0;  // the word is in the index but not in the prose shown: the start
    // The sentence around the word: back to the last full stop, on to the next one.
    const start = Math.max(text.lastIndexOf(". ", at) + 2, at - 200, 0);
    let end = text.indexOf(". ", at);
    end = end < 0 ? Math.min(text.length, at + 200) : Math.min(end + 1, at + 200);
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = (start > 0 ? "\u2026" : "") + text.slice(start, end).trim()
                          + (end < text.length && text[end - 1] !== "." ? "\u2026" : "");
    return summary;
  };
});
"""


def _skip(node) -> bool:
    if isinstance(node, (nodes.literal_block, nodes.citation, nodes.comment, nodes.raw,
                         nodes.title, addnodes.glossary)):
        return True
    return isinstance(node, nodes.Element) and bool(NOT_PROSE_CLASSES & set(node.get("classes", [])))


def prose_words(doctree) -> list[str]:
    """The words of a doctree's prose, in order (titles, code, citations, glossary left out)."""
    words: list[str] = []

    def walk(node):
        if isinstance(node, nodes.Text):
            words.append(node.astext())
            return
        if _skip(node):
            return
        for child in node.children:
            walk(child)

    walk(doctree)
    return words


def _stems(lang):
    """``lang.stem``, remembered per word: a book of some 70,000 words has a few thousand
    different ones, and stemming each occurrence again took seconds of every build."""
    cached = getattr(lang, "_als_stem_cache", None)
    if cached is None:
        cached = functools.lru_cache(maxsize=None)(lang.stem)
        lang._als_stem_cache = cached
    return cached


def stem_counts(texts: list[str], lang) -> Counter:
    """How often each stemmed word occurs in ``texts``, stemmed as Sphinx's index does."""
    counts: Counter = Counter()
    stem = _stems(lang)
    for text in texts:
        for word in lang.split(text):
            if not word or word.isdigit():  # the search page ignores numbers in a query
                continue
            stemmed = stem(word).lower()
            if lang.word_filter(stemmed):
                counts[stemmed] += 1
            elif lang.word_filter(word.lower()):
                counts[word.lower()] += 1
    return counts


def best_sections(doctree, lang) -> dict[str, str]:
    """For each stem, the id of the section (below the page title) whose own prose uses
    it most; stems used most in the page's opening, or nowhere, are left out."""
    best: dict[str, tuple[int, str]] = {}
    for section in doctree.findall(nodes.section):
        if not section["ids"] or not isinstance(section.parent, nodes.section):
            continue  # the page's own title section: a link to it is the page top
        words = [w for child in section.children if not isinstance(child, nodes.section)
                 for w in prose_words(child)]
        for stem, count in stem_counts(words, lang).items():
            if count > best.get(stem, (0, ""))[0]:
                best[stem] = (count, section["ids"][0])
    return {stem: anchor for stem, (_, anchor) in best.items()}


def ranking_data(counts_by_doc: dict[str, Counter],
                 sections_by_doc: dict[str, dict[str, str]] | None = None) -> dict:
    """The counts as the scorer reads them: ``{"docs": [...], "stems": {stem: {i: n}},
    "anchors": [[id, ...] per doc], "sections": {stem: {i: k}}}``, where ``k`` indexes
    page ``i``'s anchors (ids are long; numbers keep the script small)."""
    docs = sorted(counts_by_doc)
    stems: dict[str, dict[int, int]] = {}
    anchors: list[list[str]] = []
    sections: dict[str, dict[int, int]] = {}
    for index, docname in enumerate(docs):
        for stem, count in sorted(counts_by_doc[docname].items()):
            stems.setdefault(stem, {})[index] = count
        best = (sections_by_doc or {}).get(docname, {})
        anchors.append(sorted(set(best.values())))
        for stem, anchor in sorted(best.items()):
            sections.setdefault(stem, {})[index] = anchors[-1].index(anchor)
    return {"docs": docs, "stems": stems, "anchors": anchors, "sections": sections}


def script(data: dict) -> str:
    payload = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return f"var ALS_SEARCH_COUNTS = {payload};\n{SCORER}"


def _write_ranking(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or not app.builder.search:
        return
    from sphinx.search import languages

    lang_name = app.config.html_search_language or app.config.language or "en"
    lang_class = languages.get(lang_name, languages["en"])
    if isinstance(lang_class, str):  # Sphinx names some languages by import path
        from sphinx.util import import_object

        lang_class = import_object(lang_class)
    lang = lang_class(app.config.html_search_options)
    doctrees = {docname: app.env.get_doctree(docname) for docname in sorted(app.env.found_docs)}
    counts = {docname: stem_counts(prose_words(tree), lang) for docname, tree in doctrees.items()}
    sections = {docname: best_sections(tree, lang) for docname, tree in doctrees.items()}
    target = Path(app.outdir) / "_static" / FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    text = script(ranking_data(counts, sections))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def without_code(doctree):
    """A copy of ``doctree`` with no code in it (code blocks, code cells' inputs), for
    the search index: a search finds the prose about a word, not code that names it."""
    copy = doctree.deepcopy()
    code = [node for node in copy.findall(nodes.Element)
            if isinstance(node, nodes.literal_block) or "cell_input" in node.get("classes", [])]
    for node in code:
        if node.parent is not None:
            node.parent.remove(node)
    return copy


def _index_prose_only(app) -> None:
    # Sphinx has no setting for what the search index leaves out; the HTML builder
    # indexes each page through index_page(), so this builder's copy gets a pruned page.
    index_page = getattr(app.builder, "index_page", None)
    if index_page is None:
        return

    def index_prose(pagename, doctree, title):
        index_page(pagename, without_code(doctree), title)

    app.builder.index_page = index_prose


def _search_page_scripts(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        # Before searchtools.js (a theme template adds it after the page's scripts), so
        # that our Scorer is the one it uses.
        app.add_js_file(FILENAME, priority=100)


def setup(app):
    app.connect("builder-inited", _index_prose_only)
    app.connect("html-page-context", _search_page_scripts)
    app.connect("build-finished", _write_ranking)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
