"""What frictionless checks for the book, in the book's words.

``data/datapackage.json`` is a standard Frictionless data package, and the loader
validates each dataset with frictionless (the one validator of what the Table Schema
says). Each test breaks one rule of the schema in a copy of the data and checks that the
message an editor reads names the file, the row (data rows from 1, the header row 0) and
the column, and says what is wrong in the book's words, not frictionless's.
"""

from __future__ import annotations

import json

import pytest

from als_explainer.data import DataError, load

from conftest import ROOT
from datafiles import expect_error, read_rows, set_cell, set_cell_at, write_rows


def test_links_between_files_are_declared_as_foreign_keys():
    package = json.loads((ROOT / "data/datapackage.json").read_text(encoding="utf-8"))
    links = {(r["name"], fk["fields"], fk["reference"]["resource"])
             for r in package["resources"] for fk in r["schema"].get("foreignKeys", [])}
    assert {("intermediaries", "exit_event", "events"),
            ("dispute_events", "dispute", "cloudflare_disputes")} <= links


def test_a_broken_link_names_the_row_and_the_file_it_points_to(scratch):
    row = set_cell(scratch / "data/dispute_events.csv", "moncheri-sj-2021", "dispute", "no-such-dispute")
    err = expect_error(scratch, "dispute_events", row, "dispute")
    assert '"no-such-dispute" is not among the "id" values of data/cloudflare_disputes.csv' in str(err)


def test_a_broken_file_is_named_before_a_file_that_links_to_it(scratch):
    set_cell_at(scratch / "data/events.csv", 3, "kind", "verdict")
    with pytest.raises(DataError) as caught:
        load("intermediaries", root=scratch)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("data/events.csv", 3, "kind")


@pytest.mark.parametrize("dataset, row, column, value, reason", [
    ("events", 3, "kind", "verdict", '"verdict" is not an allowed value (filing, ruling, settlement, appeal)'),
    ("events", 5, "id", "complaint-2016", '"complaint-2016" repeats the value of row 1'),
    ("events", 6, "event", "", "is empty but required"),
    ("events", 6, "id", "Bad Id", '"Bad Id" does not match a lowercase slug such as juicyads-dismissal-2016'),
    ("events", 1, "date", "July 2016",
     '"July 2016" does not match a partial date: YYYY-MM-DD, YYYY-MM, YYYY or START/END'),
    ("events", 6, "label", "x" * 35, f'"{"x" * 35}" is longer than 34 characters'),
    ("jurisdiction_cases", 2, "year", "19x5", '"19x5" is not a whole number'),
    ("jurisdiction_cases", 2, "year", "1850", '"1850" is below the minimum 1900'),
    ("reported_figures", 2, "value", "about 5", '"about 5" is not a number'),
])
def test_a_cell_that_breaks_the_schema_is_named_in_the_books_words(scratch, dataset, row, column, value, reason):
    set_cell_at(scratch / f"data/{dataset}.csv", row, column, value)
    err = expect_error(scratch, dataset, row, column)
    assert str(err).endswith(f": {reason}"), str(err)


def add_constraint(root, dataset: str, column: str, **constraint) -> None:
    path = root / "data/datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == dataset)
    next(f for f in resource["schema"]["fields"] if f["name"] == column)["constraints"].update(constraint)
    path.write_text(json.dumps(package), encoding="utf-8")


def test_a_rule_no_dataset_uses_yet_is_enforced_at_its_cell(scratch):
    """frictionless, not the book's code, checks the schema: a Table Schema rule the
    loader has no check of its own for still stops the load at the cell that breaks it."""
    add_constraint(scratch, "events", "event", minLength=200)
    err = expect_error(scratch, "events", 1, "event")
    assert "is shorter than 200 characters" in str(err)


def test_missing_column_is_named(scratch):
    path = scratch / "data/events.csv"
    rows = read_rows(path)
    index = rows[0].index("actor")
    write_rows(path, [row[:index] + row[index + 1:] for row in rows])
    err = expect_error(scratch, "events", 0, "actor")
    assert "missing from the header" in str(err)


def test_undeclared_column_is_named(scratch):
    path = scratch / "data/events.csv"
    write_rows(path, [row + (["notes"] if number == 0 else [""]) for number, row in enumerate(read_rows(path))])
    err = expect_error(scratch, "events", 0, "notes")
    assert "is not declared in data/datapackage.json" in str(err)


def test_columns_out_of_order_are_named(scratch):
    path = scratch / "data/events.csv"
    write_rows(path, [[row[0], row[2], row[1], *row[3:]] for row in read_rows(path)])
    err = expect_error(scratch, "events", 0, "date")
    assert "put the columns in the declared order (id, date, date_precision," in str(err)


@pytest.mark.parametrize("change, reason", [
    (lambda rows: rows.__setitem__(2, rows[2][:3]), "has 3 cells but the header has 16 columns"),
    (lambda rows: rows[2].append("stray"), "has 17 cells but the header has 16 columns"),
    (lambda rows: rows.insert(2, []), "is blank (delete the empty line)"),
], ids=["short", "long", "blank"])
def test_a_row_of_the_wrong_length_is_named(scratch, change, reason):
    path = scratch / "data/events.csv"
    rows = read_rows(path)
    change(rows)
    write_rows(path, rows)
    err = expect_error(scratch, "events", 2, None)
    assert str(err).endswith(f": {reason}"), str(err)
