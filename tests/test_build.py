"""The strict HTML build: a page per toc entry, captioned figures with real alt text,
no leaked warnings, nothing fetched from the network, and sources left untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import SOURCES_BEFORE_BUILD, snapshot, toc_files

pytestmark = pytest.mark.build

WARNING_TEXT = re.compile(r"\b\w*Warning\b[:(]|Traceback \(most recent call last\)")
HASHLIKE = re.compile(r"^[0-9a-f]{16,}(\.\w+)?$")


def pages(html: Path):
    for page in toc_files():
        yield page, BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_toc_entry_has_a_page(html):
    missing = [p for p in toc_files() if not (html / f"{p}.html").is_file()]
    assert not missing, f"no HTML page for: {missing}"


def test_figures_have_numbered_captions_names_and_real_alt_text(html):
    problems, figures = [], 0
    for page, soup in pages(html):
        main = soup.select_one("main") or soup
        for figure in main.select("figure"):
            figures += 1
            caption = figure.select_one("figcaption")
            number = figure.select_one(".caption-number")
            if caption is None or number is None or len(caption.get_text(strip=True)) < 20:
                problems.append(f"{page}: figure {figure.get('id')} lacks a numbered caption")
            if not (figure.get("id") or "").startswith("fig-"):
                problems.append(f"{page}: figure {figure.get('id')!r} has no fig- name")
        for img in main.select("img"):
            alt = (img.get("alt") or "").strip()
            src = Path(img.get("src", "")).name
            if len(alt.split()) < 8 or alt == src or HASHLIKE.match(alt) or alt.startswith("<"):
                problems.append(f"{page}: image {src} has no real alt text ({alt!r})")
    assert figures > 0, "the book has no figures at all"
    assert not problems, "\n".join(problems)


def test_no_warning_or_traceback_in_cell_outputs(html):
    leaks = [
        f"{page}: {WARNING_TEXT.search(out.get_text()).group(0)}"
        for page, soup in pages(html)
        for out in soup.select(".cell_output")
        if WARNING_TEXT.search(out.get_text())
    ]
    assert not leaks, "\n".join(leaks)


def test_glue_and_citations_resolved(html):
    for page, soup in pages(html):
        text = (soup.select_one("main") or soup).get_text(" ")
        assert "{glue" not in text and "{cite" not in text, f"{page}: unrendered role in the page"


def test_pages_load_nothing_from_other_hosts(html):
    remote = re.compile(r"^(https?:)?//")
    found = []
    for path in html.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for node in soup.find_all(tag):
                value = node.get(attr) or ""
                if tag == "link" and "stylesheet" not in (node.get("rel") or []) \
                        and "preload" not in (node.get("rel") or []):
                    continue
                if remote.match(value):
                    found.append(f"{path.relative_to(html)}: <{tag} {attr}={value}>")
    assert not found, "\n".join(found)


def test_chart_files_written_to_figures(built_book):
    svgs = sorted(p.name for p in (built_book / "figures").glob("*.svg"))
    assert svgs, "the build wrote no chart into figures/"


def test_build_changes_no_source_file(built_book):
    # Everything outside _build/ and figures/ must be byte-identical after the build:
    # nothing written into chapters/ or data/, nothing added, nothing removed.
    before, after = SOURCES_BEFORE_BUILD[built_book], snapshot(built_book)
    changed = sorted(f for f in before.keys() & after.keys() if before[f] != after[f])
    added, removed = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
    assert not (changed or added or removed), f"changed {changed}, added {added}, removed {removed}"


def test_each_citation_label_points_to_one_source(html):
    # Two sources rendered with the same label (e.g. two "TorrentFreak, 2018") would
    # leave a reader unable to tell which one a sentence rests on.
    targets: dict[str, set[str]] = {}
    for _page, soup in pages(html):
        for link in soup.select("span.bibtex-citation a, a.bibtex.reference"):
            label = " ".join(link.get_text().split())
            targets.setdefault(label, set()).add(link.get("href", "").split("#")[-1])
    assert targets, "no citations found in the built pages"
    shared = {label: sorted(t) for label, t in targets.items() if len(t) > 1}
    assert not shared, f"one label, several sources: {shared}"


def test_every_page_stays_under_400_kb(html):
    # HTML plus the images only that page loads; the theme's shared assets load once.
    heavy = []
    for page, soup in pages(html):
        path = html / f"{page}.html"
        images = {img["src"] for img in soup.select("main img") if not img["src"].startswith("data:")}
        total = path.stat().st_size + sum((path.parent / src).stat().st_size for src in images)
        if total > 400 * 1024:
            heavy.append(f"{page}: {total / 1024:.0f} KB of HTML and images")
    assert not heavy, "\n".join(heavy)
