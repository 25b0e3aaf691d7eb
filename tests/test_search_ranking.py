"""book_extensions.search_ranking: what counts as prose, how words are counted, the data
the search page's scorer reads, and (in process, on tests/roots/test-book) what the built
site holds. The scorer's own rules run under node --test (tests/js/search-scorer.test.mjs);
that the search page ranks with it is tested in a real browser in test_browser.py."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx.search.en import SearchEnglish

from book_extensions.search_ranking import (
    FILENAME,
    MARK,
    BookEnglish,
    best_sections,
    prose_words,
    ranking_data,
    stem_counts,
    without_code,
)

from system_tools import tool

RST = """
Steadfast title
===============

Steadfast won. The hosts were sued; Steadfast hosted Imagebam.

.. code-block:: python

   steadfast = "Steadfast Steadfast"

.. [Ref2020] Steadfast Networks appeal, a citation entry.
"""


def chapter():
    """The page above, plus a code cell's output as myst-nb writes it into the doctree."""
    doctree = publish_doctree(RST)
    output = nodes.container(classes=["cell", "tag_hide-input"])
    output += nodes.container("", nodes.paragraph(text="Steadfast in an output."),
                              classes=["cell_output"])
    doctree += output
    return doctree


@pytest.fixture(scope="module")
def english():
    return SearchEnglish({})


def test_prose_leaves_out_titles_code_citations_and_outputs():
    text = " ".join(prose_words(chapter()))
    assert text.count("Steadfast") == 2, text
    assert "hosted Imagebam" in text
    assert "citation entry" not in text and "in an output" not in text and "title" not in text


def test_words_are_counted_by_stem_as_the_index_stems_them(english):
    counts = stem_counts(["Hosts hosted hosting; the host. 2016 and 17"], english)
    assert counts[english.stem("hosting").lower()] == 4
    assert "the" not in counts and "and" not in counts  # stop words, as in the index
    assert not any(key.isdigit() for key in counts)  # numbers are not searched for
    assert "" not in counts


def test_ranking_data_indexes_pages_and_counts(english):
    data = ranking_data({"b": stem_counts(["Steadfast Steadfast"], english),
                         "a": stem_counts(["Steadfast"], english)})
    assert data["docs"] == ["a", "b"]
    assert data["stems"][english.stem("steadfast").lower()] == {0: 1, 1: 2}


SECTIONS = """
Page title
==========

Opening words about hosting.

Steadfast in brief
------------------

Steadfast once.

The Steadfast appeal
--------------------

Steadfast won; Steadfast hosted; Steadfast again.
"""


def test_each_word_points_at_the_section_that_uses_it_most(english):
    # Sphinx keeps the page title as a section (no docutils doctitle transform).
    sections = best_sections(publish_doctree(SECTIONS, settings_overrides={"doctitle_xform": False}),
                             english)
    assert sections[english.stem("steadfast").lower()] == "the-steadfast-appeal"
    # A word only the opening uses has no section: its hit links to the page top.
    assert english.stem("opening").lower() not in sections
    data = ranking_data({"a": stem_counts(["Steadfast"], english)},
                        {"a": sections})
    where = data["sections"][english.stem("steadfast").lower()]
    assert {page: data["anchors"][page][k] for page, k in where.items()} == {0: "the-steadfast-appeal"}


def test_search_index_gets_the_page_without_its_code():
    page = chapter()
    cell = nodes.container(classes=["cell"])
    cell += nodes.container("", nodes.literal_block(text='cases.set_index("id")'),
                            classes=["cell_input"])
    page += cell
    indexed = without_code(page).astext()
    assert "set_index" not in indexed and 'steadfast = "Steadfast' not in indexed
    assert "hosted Imagebam" in indexed
    assert "set_index" in page.astext(), "the page itself must keep its code"


def test_the_built_site_has_the_counts_the_scorer_and_an_index_without_code(small_book):
    out = small_book
    counts = (out / "_static" / FILENAME).read_text(encoding="utf-8")
    data = json.loads(re.fullmatch(r"var BOOK_SEARCH_COUNTS = (\{.*\});\n", counts, re.S).group(1))
    page = data["docs"].index("chapter")
    assert data["stems"][MARK + "steadfast"][str(page)] == 3, "prose uses only (code and citation left out)"
    assert "var Scorer = {" in (out / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert FILENAME in (out / "search.html").read_text(encoding="utf-8")
    assert FILENAME not in (out / "chapter.html").read_text(encoding="utf-8")
    index = (out / "searchindex.js").read_text(encoding="utf-8")
    assert "set_index" not in index and f'"{MARK}steadfast"' in index
    assert '"steadfast"' not in index, "every stem of the index starts with the mark"


# --------------------------------------------------------------------------- the language

OPTIONS = {"book_spellings": {"harbour": "harbor", "defence": "defense", "centre": "center"},
           "book_abbreviations": {"CDN": "content delivery network", "DMCA": "Digital Millennium Copyright Act"}}


@pytest.fixture(scope="module")
def book_english():
    return BookEnglish(OPTIONS)


def test_two_spellings_share_a_stem(book_english):
    stem = book_english.stem
    assert stem("harbour") == stem("harbor") == stem("Harbors") == stem("harbours")
    assert stem("defence") == stem("defense") and stem("centres") == stem("center")
    assert stem("harbour") != stem("harm")


def test_a_stem_starts_with_the_mark_so_no_stem_is_found_inside_another(book_english):
    # Sphinx matches a query's stem inside index words it does not find whole:
    # "tentative" (stem "tent") used to find the title word "intent".
    tent, intent = book_english.stem("tentative"), book_english.stem("intent")
    assert tent.startswith(MARK) and intent.startswith(MARK)
    assert tent not in intent
    assert book_english.word_filter(tent) and not book_english.word_filter(book_english.stem("the"))


def test_a_long_form_is_also_indexed_as_its_abbreviation(book_english):
    assert book_english.split("a content delivery network, or CDN") == [
        "a", "content", "delivery", "network", "or", "CDN", "cdn"]
    assert book_english.split("Content Delivery Networks abound")[-1] == "cdn"
    assert "dmca" in book_english.split("the Digital Millennium Copyright Act of 1998")
    assert "cdn" not in book_english.split("content delivery is a network")


WORDS = ["harbour", "harbors", "Defence", "defense", "tentative", "intent", "caching",
         "contributory", "Steadfast", "centres", "ones", "this", "CDN"]
QUERIES = ["Content delivery networks", "CDN", "safe harbour", "digital millennium copyright act"]


def test_the_search_page_stems_and_splits_as_the_index_does(book_english):
    """The language's JavaScript (stemmer and splitter, as language_data.js carries them),
    run under Node, gives the stems and words the Python side indexed with."""
    script = ("var stopwords = " + json.dumps(sorted(book_english.stopwords)) + ";\n"
              + book_english.js_stemmer_code + "\n" + book_english.js_splitter_code + "\n"
              + "const s = new Stemmer();\n"
              + f"console.log(JSON.stringify([{json.dumps(WORDS)}.map((w) => s.stemWord(w.toLowerCase())),"
              + f" {json.dumps(QUERIES)}.map((q) => splitQuery(q.toLowerCase()).map((w) => s.stemWord(w)))]));")
    out = subprocess.run([tool("node"), "-e", script], capture_output=True, text=True, check=True).stdout
    stems, queries = json.loads(out)
    assert stems == [book_english.stem(word) for word in WORDS]
    assert queries[0] == queries[1] == [book_english.stem("cdn")]
    assert queries[2] == [book_english.stem("safe"), book_english.stem("harbor")]
    assert queries[3] == [book_english.stem("dmca")]
