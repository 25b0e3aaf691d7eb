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
