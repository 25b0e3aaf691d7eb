"""book_extensions.search_ranking: what counts as prose, how words are counted, the data
the search page's scorer reads, and (in process, on tests/roots/test-book) what the built
site holds. The scorer's own rules run under node --test (tests/js/search-scorer.test.mjs);
that the search page ranks with it is tested in a real browser in test_browser.py."""

from __future__ import annotations

import json
import re

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx.search.en import SearchEnglish

from book_extensions.search_ranking import (
    FILENAME,
    best_sections,
    prose_words,
    ranking_data,
    stem_counts,
    without_code,
)

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
    assert data["stems"]["steadfast"][str(page)] == 3, "prose uses only (code and citation left out)"
    assert "var Scorer = {" in (out / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert FILENAME in (out / "search.html").read_text(encoding="utf-8")
    assert FILENAME not in (out / "chapter.html").read_text(encoding="utf-8")
    index = (out / "searchindex.js").read_text(encoding="utf-8")
    assert "set_index" not in index and "steadfast" in index
