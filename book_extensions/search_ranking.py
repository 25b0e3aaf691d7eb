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
"""

from __future__ import annotations

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
    return score + Math.min(uses, 49) / 10;
  },
};
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


def stem_counts(texts: list[str], lang) -> Counter:
    """How often each stemmed word occurs in ``texts``, stemmed as Sphinx's index does."""
    counts: Counter = Counter()
    for text in texts:
        for word in lang.split(text):
            if not word or word.isdigit():  # the search page ignores numbers in a query
                continue
            stemmed = lang.stem(word).lower()
            if lang.word_filter(stemmed):
                counts[stemmed] += 1
            elif lang.word_filter(word.lower()):
                counts[word.lower()] += 1
    return counts


def ranking_data(counts_by_doc: dict[str, Counter]) -> dict:
    """The counts as the scorer reads them: ``{"docs": [...], "stems": {stem: {i: n}}}``."""
    docs = sorted(counts_by_doc)
    stems: dict[str, dict[int, int]] = {}
    for index, docname in enumerate(docs):
        for stem, count in sorted(counts_by_doc[docname].items()):
            stems.setdefault(stem, {})[index] = count
    return {"docs": docs, "stems": stems}


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
    counts = {docname: stem_counts(prose_words(app.env.get_doctree(docname)), lang)
              for docname in sorted(app.env.found_docs)}
    target = Path(app.outdir) / "_static" / FILENAME
    target.parent.mkdir(parents=True, exist_ok=True)
    text = script(ranking_data(counts))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _search_page_scripts(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        # Before searchtools.js (a theme template adds it after the page's scripts), so
        # that our Scorer is the one it uses.
        app.add_js_file(FILENAME, priority=100)


def setup(app):
    app.connect("html-page-context", _search_page_scripts)
    app.connect("build-finished", _write_ranking)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
