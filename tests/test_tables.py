"""Cited tables (als_explainer.tables): the one escaper every generated table uses, the
Sources column, the caption and number every table carries, and words for data codes."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from als_explainer.tables import READER_WORDS, cite, cited_table, escape, reader_words

from conftest import ROOT


def body(markdown: str) -> list[str]:
    """The rows of a generated table's Markdown (its pipe-table lines)."""
    return [line for line in markdown.splitlines() if line.startswith("|")]


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
    text = cited_table(frame, {"case": "Case", "note": "Note"}, "Cases.", markup=("case",)).data
    assert body(text) == ["| Case | Note | Source |", "|---|---|---|",
                          r"| *A* | x \| y | {cite:p}`k1,k2` |"]


def test_a_rows_source_words_stand_beside_its_citation_quoted_and_marked():
    frame = pd.DataFrame({"case": ["A", "B"], "source": ["k1", "k2"],
                          "source_quote": ["says *so* | here", None]})
    lines = body(cited_table(frame, {"case": "Case"}, "Cases.").data)
    assert lines[2] == r"| A | {cite:p}`k1` *In the source's words:* “says \*so\* \| here” |"
    assert lines[3] == "| B | {cite:p}`k2` |"


def test_the_books_translation_stands_outside_the_sources_quotation_marks():
    from als_explainer.tables import source_words

    assert source_words("Di queste, 54.357 [our translation: Of these, 54,357]") == \
        "*In the source's words:* “Di queste, 54.357” [our translation: Of these, 54,357]"


def test_every_table_is_numbered_with_its_caption_and_name():
    frame = pd.DataFrame({"case": ["A"], "source": ["k1"]})
    lines = cited_table(frame, {"case": "Case"}, "The  cases\n of *A*.", name="tbl-a",
                        sortable=True).data.splitlines()
    # The table directive numbers and captions it; a pipe table alone would have neither.
    assert lines[:3] == ["````{table} The cases of *A*.", ":name: tbl-a", ":class: sortable-table"]
    assert lines[-1] == "````"
    with pytest.raises(ValueError, match="needs a caption"):
        cited_table(frame, {"case": "Case"}, " ")
    with pytest.raises(ValueError, match="holds a backtick"):  # it would end the fence's line
        cited_table(frame, {"case": "Case"}, "Rows of `events.csv`.")


def test_coded_columns_reach_readers_as_words():
    frame = pd.DataFrame({"stated_by": ["press-summary", "cloudflare-as-reported"],
                          "agreement": ["single", "disputed"], "date_precision": ["approximate", None],
                          "source": ["k1", "k2"]})
    text = cited_table(frame, {"stated_by": "Whose figure", "agreement": "Agreement",
                               "date_precision": "How precise"}, "Figures.").data
    rows = body(text)[2:]
    assert rows[0].startswith("| A press report summarising the source | One source only | approximate |")
    assert rows[1].startswith("| Cloudflare, as reported by the press | Another source gives a different value |  |")
    for code in ("press-summary", "press summary", "cloudflare-as-reported", "| single |"):
        assert code not in text


def test_a_code_without_words_is_an_error_naming_column_and_code():
    with pytest.raises(ValueError, match="column 'agreement': the code 'unanimous'"):
        reader_words("agreement", "unanimous")
    frame = pd.DataFrame({"agreement": ["unanimous"], "source": ["k"]})
    with pytest.raises(ValueError, match="unanimous"):
        cited_table(frame, {"agreement": "Agreement"}, "Figures.")


def test_every_code_the_schema_allows_has_words():
    """Each coded column's words cover exactly the codes data/datapackage.json allows there."""
    package = json.loads((ROOT / "data/datapackage.json").read_text(encoding="utf-8"))
    allowed = {}
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] in READER_WORDS:
                allowed.setdefault(field["name"], set()).update(field["constraints"]["enum"])
    assert set(allowed) == set(READER_WORDS)
    for column, codes in allowed.items():
        assert set(READER_WORDS[column]) == codes, column
        words = list(READER_WORDS[column].values())
        assert len(set(words)) == len(words), f"{column}: two codes share words"
