"""Bibliography labels match the author-year citations in the text."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from book_extensions.citation_style import AuthorYearLabels, ByLabel, author_year_label

BIB = r"""
@misc{org, author = {{TorrentFreak}}, title = {{T}}, year = {2018a}}
@misc{case, author = {{A\&M Records v. Napster}}, title = {{C}}, year = {2001}}
@misc{law, author = {{17 U.S.C. \S~512}}, title = {{S}}, year = {1998}}
@misc{one, author = {Eric Goldman}, title = {{G}}, year = {2016}}
@misc{two, author = {Nathaniel L. Bach and Brent Dinino}, title = {{V}}, year = {2025}}
@misc{three, author = {Roy T. Fielding and Mark Nottingham and Julian Reschke}, title = {{H}}, year = {2022a}}
@misc{undated, author = {{Cloudflare, Inc.}}, title = {{A}}}
"""
ENTRIES = parse_string(BIB, "bibtex").entries


def test_labels_read_as_the_text_cites_them():
    labels = {key: author_year_label(entry) for key, entry in ENTRIES.items()}
    assert labels == {
        "org": "TorrentFreak, 2018a",
        "case": "A&M Records v. Napster, 2001",
        "law": "17 U.S.C. § 512, 1998",
        "one": "Goldman, 2016",
        "two": "Bach and Dinino, 2025",
        "three": "Fielding et al., 2022a",
        "undated": "Cloudflare, Inc., n.d.",
    }


def test_entries_sort_alphabetically_by_label_whoever_wrote_them():
    ordered = ByLabel().sort(list(ENTRIES.values()))
    labels = list(AuthorYearLabels().format_labels(ordered))
    assert labels == sorted(labels, key=str.casefold)
    # People and organisations interleave instead of forming two runs.
    assert labels.index("Bach and Dinino, 2025") < labels.index("Cloudflare, Inc., n.d.") \
        < labels.index("Goldman, 2016") < labels.index("TorrentFreak, 2018a")


def test_each_entry_links_back_to_the_pages_that_cite_it(small_book):
    soup = BeautifulSoup((small_book / "sources.html").read_text(encoding="utf-8"), "html.parser")
    cited = soup.select_one('.citation[id$="-torrentfreak2018"]')
    assert "TorrentFreak, 2018" in cited.select_one(".label").get_text()
    line = cited.select_one("p.cited-in")
    assert [(a.get_text(), a["href"]) for a in line.select("a")] == [
        ("A small book", "index.html"), ("A chapter", "chapter.html")], "introduction first"
    assert "cited-in" not in str(soup.select_one('.citation[id$="-uncited2019"]'))


@pytest.mark.sphinx("html", testroot="book", srcdir="book-pybtex", freshenv=True)
def test_pybtex_plugins_are_looked_up_without_scanning_entry_points(app, monkeypatch):
    import pybtex.plugin

    scans = []
    real = pybtex.plugin.entry_points
    monkeypatch.setattr(pybtex.plugin, "entry_points", lambda **kw: scans.append(kw) or real(**kw))
    app.build()
    assert scans == [], f"pybtex scanned entry points for {scans}"
