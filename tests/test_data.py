"""Every dataset loads; the book's own rules (partial dates, bibliography keys, the source's
words, spaces, encodings) are reported with file, row and column. What frictionless checks
for the book is tested in test_datapackage.py."""

from __future__ import annotations

import pytest

from als_explainer.data import DataError, dataset_names, load, parse_partial_date

from conftest import ROOT
from datafiles import expect_error, read_rows, set_cell_at


@pytest.mark.parametrize("name", dataset_names(ROOT))
def test_dataset_loads_and_validates(name):
    frame = load(name, root=ROOT)
    assert len(frame) > 0


def test_bad_date_names_file_row_column(scratch):
    # The pattern accepts the shape; the calendar (month 13) is the book's own check.
    set_cell_at(scratch / "data/events.csv", 7, "date", "2017-13-45")
    err = expect_error(scratch, "events", 7, "date")
    assert '"2017-13-45" is not a date' in str(err)


def test_date_more_precise_than_declared_is_refused(scratch):
    # A month-precision event must not quietly acquire a day.
    set_cell_at(scratch / "data/events.csv", 1, "date", "2016-07-11")
    err = expect_error(scratch, "events", 1, "date")
    assert 'does not match precision "month"' in str(err)


def test_unknown_source_key_is_named(scratch):
    set_cell_at(scratch / "data/events.csv", 2, "source", "tigermedia2016mtd;nosuchsource2099")
    err = expect_error(scratch, "events", 2, "source")
    assert '"nosuchsource2099" is not in references.bib' in str(err)


def test_bytes_that_are_not_utf8_are_located(scratch):
    path = scratch / "data/events.csv"
    set_cell_at(path, 4, "event", "PLACEHOLDER")
    path.write_bytes(path.read_bytes().replace(b"PLACEHOLDER", b"caf\xe9"))
    err = expect_error(scratch, "events", 4, "event")
    assert "0xe9 is not UTF-8" in str(err)
    with pytest.raises(DataError) as caught:  # and through a file whose foreign key reads it
        load("intermediaries", root=scratch)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("data/events.csv", 4, "event")


def test_spaces_around_a_cell_are_named(scratch):
    set_cell_at(scratch / "data/events.csv", 3, "event", "Tiger Media moves ")
    err = expect_error(scratch, "events", 3, "event")
    assert "has spaces at its start or end" in str(err)


def test_an_edited_file_is_checked_again_in_the_same_process(scratch):
    """Validation is kept per process, but only while the files keep their times."""
    import os

    path = scratch / "data/events.csv"
    assert len(load("events", root=scratch)) > 0
    set_cell_at(path, 3, "kind", "verdict")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    expect_error(scratch, "events", 3, "kind")


@pytest.mark.parametrize(
    "text, precision, start, end",
    [
        ("2016-07-11", "day", "2016-07-11", "2016-07-11"),
        ("2016-02", "month", "2016-02-01", "2016-02-29"),
        ("2018", "approximate", "2018-01-01", "2018-12-31"),
        ("2018-02/2018-05", "approximate", "2018-02-01", "2018-05-31"),
        ("2017-01/2017-06-13", "approximate", "2017-01-01", "2017-06-13"),
    ],
)
def test_partial_dates_cover_exactly_the_days_the_record_allows(text, precision, start, end):
    date = parse_partial_date(text, precision)
    assert (date.start.isoformat(), date.end.isoformat()) == (start, end)


@pytest.mark.parametrize(
    "text, precision",
    [("2016-07", "day"), ("2016-07-11", "approximate"), ("2018-05/2018-02", "approximate"),
     ("2018-02/2018-05", "month"), ("2016-02-30", "day"), ("16-07", "month")],
)
def test_partial_dates_refuse_what_the_precision_does_not_allow(text, precision):
    with pytest.raises(ValueError):
        parse_partial_date(text, precision)


# --------------------------------------------------------------------------- source's words


def test_a_sourced_row_without_its_sources_words_is_refused(scratch):
    set_cell_at(scratch / "data/events.csv", 4, "source_quote", "")
    err = expect_error(scratch, "events", 4, "source_quote")
    assert "is empty, but the row names a source" in str(err)


def test_a_passage_over_the_word_limit_is_refused(scratch):
    from als_explainer.data import QUOTE_MAX_WORDS

    set_cell_at(scratch / "data/events.csv", 2, "source_quote", " ".join(["word"] * (QUOTE_MAX_WORDS + 1)))
    err = expect_error(scratch, "events", 2, "source_quote")
    assert f"quotes {QUOTE_MAX_WORDS + 1} words of its source; at most {QUOTE_MAX_WORDS}" in str(err)


def test_a_translation_must_follow_the_original_and_be_closed(scratch):
    set_cell_at(scratch / "data/events.csv", 2, "source_quote", "[our translation: a claim]")
    err = expect_error(scratch, "events", 2, "source_quote")
    assert "[our translation: …]" in str(err)
    set_cell_at(scratch / "data/events.csv", 2, "source_quote", "Worte [our translation: words")
    expect_error(scratch, "events", 2, "source_quote")


def test_quote_words_leave_out_the_translation_and_count_unspaced_scripts():
    from als_explainer.data import quote_words

    assert quote_words("one two … three [our translation: four five six]") == 3
    assert quote_words("東京地方裁判所") == 4  # seven characters, two to a word
    assert quote_words("Cloudflareに合計") == 3  # one spaced word and three characters (two words)


def test_every_sourced_dataset_carries_its_sources_words():
    """Every dataset whose rows name sources declares the source's words as required, and
    every sourced row has them (counted from the CSV, not through the loader's own check)."""
    import json

    package = json.loads((ROOT / "data/datapackage.json").read_text(encoding="utf-8"))
    sourced = {r["name"]: r for r in package["resources"]
               if any(f.get("bibtexKey") for f in r["schema"]["fields"])}
    assert len(sourced) >= 11, sorted(sourced)
    for name, resource in sourced.items():
        field = next((f for f in resource["schema"]["fields"] if f["name"] == "source_quote"), None)
        assert field and field.get("constraints", {}).get("required"), f"{name} does not require source_quote"
        keys = [f["name"] for f in resource["schema"]["fields"] if f.get("bibtexKey")]
        rows = read_rows(ROOT / "data" / resource["path"])
        header, body = rows[0], rows[1:]
        blank = [number for number, cells in enumerate(body, start=1)
                 if any(cells[header.index(k)].strip() for k in keys)
                 and not cells[header.index("source_quote")].strip()]
        assert not blank, f"{name}: rows {blank} have no source's words"


def test_a_sourced_dataset_without_the_field_is_refused(scratch):
    import json

    path = scratch / "data/datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    next(f for f in events["schema"]["fields"] if f["name"] == "source_quote")["constraints"] = {}
    path.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(DataError, match='names sources but does not declare a required "source_quote"'):
        load("events", scratch)
