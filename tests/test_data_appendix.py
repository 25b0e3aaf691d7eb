"""The data appendix generator (als_explainer.data_appendix): one section per dataset,
written from data/datapackage.json, so the page and the schema the loader enforces agree."""

from __future__ import annotations

import csv
import json

from als_explainer.data import dataset_names
from als_explainer.data_appendix import dataset_doc

from conftest import ROOT


def table_rows(markdown: str) -> dict[str, list[str]]:
    """Column name -> the cells of its row in a dataset section's table."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0].strip("`")] = cells
    return rows


def test_every_dataset_gets_a_section_with_every_column():
    package = json.loads((ROOT / "data/datapackage.json").read_text(encoding="utf-8"))
    assert dataset_names(ROOT) == [r["name"] for r in package["resources"]]
    for resource in package["resources"]:
        text = dataset_doc(resource["name"]).data
        assert text.startswith(f"## `{resource['path']}`: {resource['title']}")
        with open(ROOT / "data" / resource["path"], encoding="utf-8", newline="") as handle:
            count = len(list(csv.DictReader(handle)))
        assert f"{count} rows. Download:" in text
        assert list(table_rows(text)) == [f["name"] for f in resource["schema"]["fields"]]


def test_rules_say_what_the_loader_enforces():
    events = table_rows(dataset_doc("events").data)
    assert events["date"][1] == "date"  # a partial date, stored as a string with a pattern
    assert "required" in events["date"][3] and "precision given by `date_precision`" in events["date"][3]
    assert events["id"][3].startswith("required; unique")
    assert "one of `filing`, `ruling`, `settlement`, `appeal`" in events["kind"][3]
    assert "keys in references.bib" in events["source"][3]
    links = table_rows(dataset_doc("intermediaries").data)
    assert "an `id` in `events.csv`" in links["exit_event"][3]


def test_a_description_with_a_pipe_cannot_break_the_table(scratch, monkeypatch):
    path = scratch / "data/datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"][0]["description"] = "either | or *this*"
    path.write_text(json.dumps(package), encoding="utf-8")
    monkeypatch.setenv("ALS_BOOK_ROOT", str(scratch))
    text = dataset_doc(package["resources"][0]["name"]).data
    row = next(line for line in text.splitlines() if line.startswith("| `id`"))
    assert r"either \| or \*this\*" in row
    assert row.count(" | ") == 3


def test_each_sourced_row_is_listed_with_its_sources_words():
    text = dataset_doc("events").data
    line = next(li for li in text.splitlines() if li.startswith("| complaint-2016 |"))
    assert "{cite:p}`softpedia2016lawsuit,techraptor2016sued,mybroadband2018cloudflare`" in line
    assert "*In the source's words:* “ALS Scan, a US-based adult entertainment network" in line
    assert "source's own words, at most" in table_rows(text)["source_quote"][3]
