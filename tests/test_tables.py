"""Cited tables (als_explainer.tables): the one escaper every generated table uses, and the
Sources column."""

from __future__ import annotations

import math

import pandas as pd

from als_explainer.tables import cite, cited_table, escape


def test_escape_keeps_a_cell_on_one_line_and_shows_markup_as_written():
    assert escape("uses *stars*, `ticks`\nand | pipes") == r"uses \*stars\*, \`ticks\` and \| pipes"
    assert escape(None) == escape(math.nan) == escape(pd.NA) == ""
    assert escape(1984) == "1984"
    assert escape("a section labelled record-<id>") == r"a section labelled record-\<id>"  # not a tag


def test_markup_made_by_code_is_kept_but_pipes_never_pass():
    assert escape("*Calder v. Jones* | x", markup=True) == r"*Calder v. Jones* \| x"


def test_cite_splits_keys_and_skips_blanks():
    assert cite("a; b ;") == "{cite:p}`a,b`"
    assert cite("") == cite(None) == ""


def test_cited_table_has_a_sources_column_and_escapes_all_but_markup_columns():
    frame = pd.DataFrame({"case": ["*A*"], "note": ["x | y"], "source": ["k1;k2"]})
    text = cited_table(frame, {"case": "Case", "note": "Note"}, markup=("case",)).data
    assert text.splitlines() == ["| Case | Note | Source |", "|---|---|---|",
                                 r"| *A* | x \| y | {cite:p}`k1,k2` |"]


def test_a_rows_source_words_stand_beside_its_citation_quoted_and_marked():
    frame = pd.DataFrame({"case": ["A", "B"], "source": ["k1", "k2"],
                          "source_quote": ["says *so* | here", None]})
    lines = cited_table(frame, {"case": "Case"}).data.splitlines()
    assert lines[2] == r"| A | {cite:p}`k1` *In the source's words:* “says \*so\* \| here” |"
    assert lines[3] == "| B | {cite:p}`k2` |"


def test_the_books_translation_stands_outside_the_sources_quotation_marks():
    from als_explainer.tables import source_words

    assert source_words("Di queste, 54.357 [our translation: Of these, 54,357]") == \
        "*In the source's words:* “Di queste, 54.357” [our translation: Of these, 54,357]"
