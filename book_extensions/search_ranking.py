"""Search results ranked by how much a page talks about the words, with snippets of prose.

Sphinx's own search scores a page by *where* a word occurs (page or section title, index
entry, text) but not by *how often*: every page that mentions "Steadfast" once in passing
ties with the chapter about Steadfast, and ties are broken alphabetically. So:

- after the build, this extension counts, for every page, how often each (stemmed) word
  occurs in its prose (bibliography entries, glossary definitions, code and outputs left
  out), with the stemmer of the search index itself, and which section uses each word
  most; it writes the counts to ``_static/search-counts.js``, loaded by the search page;
- the scorer, ``static/search-scorer.js``, is given to Sphinx through its documented
  ``html_search_scorer`` setting: it adds a bonus that grows with the count, links a hit
  in a page's text to that section, and shows the sentence that matched;
- code (code cells, code blocks) and the page's furniture (the edition and "facts and
  law as of" lines) are kept out of the search index: the book's HTML builder is
  Sphinx's, registered again with ``index_page`` given the page without them (Sphinx has
  no setting for what the index leaves out);
- the search language, :class:`BookEnglish`, is Sphinx's English registered again through
  the public ``app.add_search_language``, with the same stemmer in Python (the index) and
  in JavaScript (the query), plus three things: words spelled two ways share one stem
  ("harbour" finds "harbor"), an abbreviation and its long form are one search word
  ("content delivery network" finds "CDN"), both read from ``html_search_options``
  (``book_spellings``, ``book_abbreviations``); and every stem starts with ``^``.
  Sphinx's search, when a stem is missing from the page titles (or the text), matches
  it *inside* every other title word: "tentative" (stem "tent") found the chapter
  titled "…intent, not knowledge". With the mark, such a partial match can only happen
  at the start of a word ("^tent" is not inside "^intent").
"""

import functools
import json
from collections import Counter
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search.en import SearchEnglish

from .editions import FURNITURE  # the lines under a page's title: every chapter would match "facts"

FILENAME = "search-counts.js"
SCORER = Path(__file__).resolve().parent / "static" / "search-scorer.js"
LANGUAGE = SCORER.with_name("search-language.js")  # the search page's stemmer and splitter
# Classes of containers whose text is not the page's prose (myst-nb code cells).
NOT_PROSE_CLASSES = {"cell", "cell_input", "cell_output"}
# Starts every stem of the index and of a query (see the module's docstring).
MARK = "^"


class BookEnglish(SearchEnglish):
    """Sphinx's English search (Porter stemmer, stop words), with spellings and
    abbreviations that find the same pages and stems that start with :data:`MARK`.

    ``options`` is ``html_search_options``: ``book_spellings`` maps a spelling to the one
    it is searched as (``{"harbour": "harbor"}``), ``book_abbreviations`` an
    abbreviation to its long form (``{"CDN": "content delivery network"}``). The same
    rules are given to the search page's stemmer and splitter (``static/search-language.js``,
    added to ``js_stemmer_code``), so a query is stemmed and split as the pages were indexed."""

    def init(self, options) -> None:
        super().init(options)
        self._porter = functools.lru_cache(maxsize=None)(super().stem)  # a book has a few thousand words
        abbreviations = options.get("book_abbreviations") or {}
        self.spellings = {self._porter(a): self._porter(b) for a, b in (options.get("book_spellings") or {}).items()}
        self.phrases = {tuple(map(self.plain, self._word_re.findall(long))): short.lower()
                        for short, long in abbreviations.items()}
        rules = json.dumps({"mark": MARK, "spellings": self.spellings,
                            "phrases": [[list(stems), short] for stems, short in self.phrases.items()],
                            "longForms": {short.lower(): long.lower() for short, long in abbreviations.items()}},
                           sort_keys=True)
        self.js_stemmer_code = "\n".join([SearchEnglish.js_stemmer_code, f"var BOOK_SEARCH_RULES = {rules};",
                                           LANGUAGE.read_text(encoding="utf-8")])

    def plain(self, word: str) -> str:
        """The Porter stem of ``word``, with spellings made one, without the mark."""
        stem = self._porter(word.lower())
        return self.spellings.get(stem, stem)

    def stem(self, word: str) -> str:
        stem = self.plain(word)
        if stem in self.stopwords and word.lower() not in self.stopwords:
            stem = word.lower()  # as Sphinx indexes a word whose stem is a stop word
        return MARK + stem

    def word_filter(self, word: str) -> bool:
        return super().word_filter(word.removeprefix(MARK))

    def split(self, input: str) -> list[str]:
        """The words of ``input``, plus an abbreviation wherever its long form occurs."""
        words = self._word_re.findall(input)
        return words + [short for stems, short in self.phrases.items() for i in range(len(words) - len(stems) + 1)
                        if words[i].lower()[:1] == stems[0][:1]
                        and tuple(map(self.plain, words[i:i + len(stems)])) == stems]


def _skip(node) -> bool:
    return isinstance(node, (nodes.literal_block, nodes.citation, nodes.comment, nodes.raw, nodes.title,
                             addnodes.glossary)) or bool((NOT_PROSE_CLASSES | FURNITURE) & set(node.get("classes", [])))


def prose_words(doctree) -> list[str]:
    """The words of a doctree's prose, in order (titles, code, citations, glossary left out)."""
    if isinstance(doctree, nodes.Text):
        return [doctree.astext()]
    return [] if _skip(doctree) else [word for child in doctree.children for word in prose_words(child)]


def stem_counts(texts: list[str], lang) -> Counter:
    """How often each stemmed word occurs in ``texts``, stemmed as Sphinx's index does
    (:class:`BookEnglish` remembers each word's stem: a book of some 70,000 words has a
    few thousand different ones)."""
    counts = Counter()
    for word in (word for text in texts for word in lang.split(text) if word and not word.isdigit()):
        stemmed = lang.stem(word).lower()  # (the search page ignores numbers in a query)
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
        for word, count in stem_counts(words, lang).items():
            if count > best.get(word, (0, ""))[0]:
                best[word] = (count, section["ids"][0])
    return {word: anchor for word, (_, anchor) in best.items()}


def ranking_data(counts_by_doc: dict[str, Counter],
                 sections_by_doc: dict[str, dict[str, str]] | None = None) -> dict:
    """The counts as the scorer reads them: ``{"docs": [...], "stems": {stem: {i: n}},
    "anchors": [[id, ...] per doc], "sections": {stem: {i: k}}}``, where ``k`` indexes
    page ``i``'s anchors (ids are long; numbers keep the script small)."""
    docs, stems, anchors, sections = sorted(counts_by_doc), {}, [], {}
    for index, docname in enumerate(docs):
        for stem, count in sorted(counts_by_doc[docname].items()):
            stems.setdefault(stem, {})[index] = count
        best = (sections_by_doc or {}).get(docname, {})
        anchors.append(sorted(set(best.values())))
        for stem, anchor in sorted(best.items()):
            sections.setdefault(stem, {})[index] = anchors[-1].index(anchor)
    return {"docs": docs, "stems": stems, "anchors": anchors, "sections": sections}


def _write_counts(app, exception) -> None:
    if exception is not None or not isinstance(app.builder, BookHTMLBuilder) \
            or getattr(app.builder, "indexer", None) is None:  # set only when pages were written
        return
    lang = app.builder.indexer.lang  # the index's own language: the same stems
    doctrees = {docname: app.env.get_doctree(docname) for docname in sorted(app.env.found_docs)}
    counts = {docname: stem_counts(prose_words(tree), lang) for docname, tree in doctrees.items()}
    sections = {docname: best_sections(tree, lang) for docname, tree in doctrees.items()}
    data = json.dumps(ranking_data(counts, sections), separators=(",", ":"), sort_keys=True)
    (Path(app.outdir) / "_static" / FILENAME).write_text(f"var BOOK_SEARCH_COUNTS = {data};\n", encoding="utf-8")


def without_code(doctree):
    """A copy of ``doctree`` with no code in it (code blocks, code cells' inputs) and no
    page furniture, for the search index: a search finds the prose about a word, not code
    that names it, nor the date line every chapter carries."""
    copy = doctree.deepcopy()
    for node in [node for node in copy.findall(nodes.Element) if isinstance(node, nodes.literal_block)
                 or ({"cell_input"} | FURNITURE) & set(node.get("classes", []))]:
        node.parent.remove(node)
    return copy


class BookHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, indexing each page for search without its code."""

    def index_page(self, pagename: str, doctree, title: str) -> None:
        super().index_page(pagename, without_code(doctree), title)


def _scorer(app, config) -> None:
    config.html_search_scorer = str(SCORER)


def _search_page_counts(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file(FILENAME)  # read by the scorer when the results are scored


def setup(app):
    app.add_search_language(BookEnglish)  # Sphinx's English, as "en"
    app.add_builder(BookHTMLBuilder, override=True)
    app.connect("config-inited", _scorer)
    app.connect("html-page-context", _search_page_counts)
    app.connect("build-finished", _write_counts)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
