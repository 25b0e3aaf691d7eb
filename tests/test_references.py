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


#: Sections of the bibliography page that other pages link to by name.
SECTIONS_OF_THE_BIBLIOGRAPHY = {"following-the-court-record"}


@pytest.mark.build
def test_bibliography_is_grouped_and_citations_land_on_stable_anchors(html):
    """Every cited source is listed once, in one of the kinds; every citation link in
    the chapters lands on an entry whose id names the source's key."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup((html / "chapters/99-bibliography.html").read_text(encoding="utf-8"),
                         "html.parser")
    headed = [(s.find("h2", recursive=False), s) for s in page.select("article section")]
    groups = [h.get_text(strip=True).rstrip("#") for h, s in headed
              if h and s.select(".citation")]  # the h2 sections that list entries
    assert groups == ["Court decisions", "Statutes, rules and standards", "Court filings",
                      "Press and commentary"], groups
    ids = [c.get("id") for c in page.select(".citation")]
    assert len(ids) == len(set(ids))
    keys = [re.sub(r"^src-\d+-", "", i) for i in ids]
    assert len(keys) == len(set(keys)), "a source is listed in two groups"
    cited = set(cited_in_pages()) | cited_in_data()
    assert {k.lower() for k in cited} <= set(keys), sorted({k.lower() for k in cited} - set(keys))
    for chapter in toc_files():
        soup = BeautifulSoup((html / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a[href*='99-bibliography.html#']"):
            anchor = link["href"].split("#", 1)[1]
            if anchor in SECTIONS_OF_THE_BIBLIOGRAPHY:
                continue  # a link to a section of the page (the docket note), not a citation
            assert re.fullmatch(r"src-\d+-[a-z0-9-]+", anchor), (chapter, link["href"])
            assert anchor in ids, (chapter, link["href"])


@pytest.mark.build
def test_every_bibliography_entry_links_back_to_the_pages_citing_it(html):
    from bs4 import BeautifulSoup

    page = BeautifulSoup((html / "chapters/99-bibliography.html").read_text(encoding="utf-8"),
                         "html.parser")
    where = cited_in_pages()
    problems = []
    for entry in page.select(".citation"):
        key = re.sub(r"^src-\d+-", "", entry["id"])
        links = {a["href"].removesuffix(".html").removeprefix("../") for a in entry.select("p.cited-in a")}
        links = {link if link.startswith(("intro", "chapters/")) else f"chapters/{link}" for link in links}
        expected = {p for k, pages in where.items() if k.lower() == key for p in pages}
        expected.discard("chapters/99-bibliography")
        if not links:
            problems.append(f"{key}: no link back to a page that cites it")
        elif not expected <= links:
            problems.append(f"{key}: cited on {sorted(expected - links)} but not linked back")
    assert not problems, "\n".join(problems[:10])
