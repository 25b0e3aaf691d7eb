"""Citations and the bibliography agree: no unknown keys, no orphan entries, full entries."""

from __future__ import annotations

import re

import pytest
from pybtex.database import parse_file

from als_explainer.data import dataset_names, load, source_keys

from conftest import ROOT, page_source, toc_files

BIB = parse_file(str(ROOT / "references.bib"), bib_format="bibtex").entries
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def cited_in_pages() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for page in toc_files():
        text = page_source(page).read_text(encoding="utf-8")
        for match in CITE.finditer(text):
            for key in match.group(1).split(","):
                found.setdefault(key.strip(), set()).add(page)
    return found


def cited_in_data() -> set[str]:
    return {key for name in dataset_names(ROOT) for key in source_keys(load(name, root=ROOT))}


def test_every_cited_key_exists():
    unknown = {key: sorted(pages) for key, pages in cited_in_pages().items() if key not in BIB}
    assert not unknown, f"cited but not in references.bib: {unknown}"


def test_every_entry_is_cited_somewhere():
    used = set(cited_in_pages()) | cited_in_data()
    orphans = sorted(set(BIB) - used)
    assert not orphans, f"in references.bib but cited by no page or dataset: {orphans}"


@pytest.mark.parametrize("key", sorted(BIB))
def test_entry_has_title_author_year_and_url(key):
    entry = BIB[key]
    missing = [f for f in ("title", "year", "url") if f not in entry.fields]
    if not entry.persons.get("author") and "organization" not in entry.fields:
        missing.append("author")
    assert not missing, f"{key} lacks {missing}"
    assert entry.fields["url"].startswith(("http://", "https://")), key
