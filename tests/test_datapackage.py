"""data/datapackage.json is a standard Frictionless data package: the reference validator
accepts every resource, and it finds what the book's own loader finds."""

from __future__ import annotations

import json

import pytest
from frictionless import Package

from als_explainer import data

from conftest import ROOT
from datafiles import set_cell


def validate(folder):
    return Package(str(folder / "data" / "datapackage.json")).validate()


def test_the_standard_validator_accepts_every_resource():
    report = validate(ROOT)
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, "\n".join(problems[:20])
    declared = [r["name"] for r in json.loads((ROOT / "data/datapackage.json").read_text())["resources"]]
    assert sorted(task.name for task in report.tasks) == sorted(declared)


def test_links_between_files_are_declared_as_foreign_keys():
    package = json.loads((ROOT / "data/datapackage.json").read_text(encoding="utf-8"))
    links = {(r["name"], fk["fields"], fk["reference"]["resource"])
             for r in package["resources"] for fk in r["schema"].get("foreignKeys", [])}
    assert {("intermediaries", "exit_event", "events"),
            ("dispute_events", "dispute", "cloudflare_disputes")} <= links


def test_a_broken_link_fails_both_validators_with_its_row(scratch):
    row = set_cell(scratch / "data/dispute_events.csv", "moncheri-sj-2021", "dispute", "no-such-dispute")
    report = validate(scratch)
    assert not report.valid
    errors = [e for task in report.tasks for e in task.errors]
    assert any(e.type == "foreign-key" for e in errors), [e.type for e in errors]
    with pytest.raises(data.DataError) as caught:
        data.load("dispute_events", root=scratch)
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        "data/dispute_events.csv", row, "dispute")


@pytest.mark.parametrize("bad", ["2016-13-45", "July 2016", "2016/07"])
def test_a_date_that_is_not_a_partial_date_fails_both_validators(scratch, bad):
    row = set_cell(scratch / "data/events.csv", "complaint-2016", "date", bad)
    with pytest.raises(data.DataError) as caught:
        data.load("events", root=scratch)
    assert (caught.value.row, caught.value.column) == (row, "date")
    if bad != "2016-13-45":  # the pattern checks shape; month 13 is the book's loader's catch
        assert not validate(scratch).valid
