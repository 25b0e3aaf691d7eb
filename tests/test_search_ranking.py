"""book_extensions.search_ranking: what counts as prose, how words are counted, and the
data the search page's scorer reads. (That the search page ranks with it is tested in
a real browser in test_browser.py.)"""

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
    script,
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


def test_script_defines_the_counts_and_a_full_scorer(english):
    text = script(ranking_data({"a": stem_counts(["word"], english)}))
    payload = re.match(r"var ALS_SEARCH_COUNTS = (\{.*?\});\n", text).group(1)
    assert json.loads(payload)["docs"] == ["a"]
    # searchtools.js only defines its Scorer when none exists, so ours must have every
    # field the search code reads, not just score().
    for field in ("objNameMatch", "objPartialMatch", "objPrio", "objPrioDefault", "title",
                  "partialTitle", "term", "partialTerm", "score"):
        assert re.search(rf"\b{field}:", text), f"the scorer lacks {field}"


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


@pytest.mark.build
def test_search_page_loads_the_ranking_and_only_it_does(html):
    assert (html / "_static" / FILENAME).is_file()
    search = (html / "search.html").read_text(encoding="utf-8")
    assert search.index(FILENAME) < search.index("searchtools.js"), "scorer after searchtools"
    assert FILENAME not in (html / "intro.html").read_text(encoding="utf-8")
