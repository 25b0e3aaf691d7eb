"""The shared strict build (tests/conftest.py): the README's commands work in a fresh
clone with a venv inside it, offline, every chapter runs, and the HTML has a page per toc
entry, captioned figures with real alt text, no leaked warnings, nothing fetched from the
network, and sources left untouched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from book_builds import (
    EXECUTING,
    README_BUILD_COMMAND,
    README_VENV,
    ROOT,
    docname,
    notebooks,
    offline_env,
    offline_wrapper,
    source_digests,
)
from conftest import toc_files

pytestmark = pytest.mark.build

WARNING_TEXT = re.compile(r"\b\w*Warning\b[:(]|Traceback \(most recent call last\)")
HASHLIKE = re.compile(r"^[0-9a-f]{16,}(\.\w+)?$")


def test_readme_commands_build_a_fresh_clone_with_a_venv_inside(shared_build):
    # The shared build is made as the README says (tests/book_builds.py): these are the
    # README's words, and the venv really holds pages a careless build would read.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_VENV in readme and README_BUILD_COMMAND in readme, "the README's commands changed"
    venv = shared_build.book / ".venv"
    assert list(venv.glob("lib/python3*/site-packages/jupyter_book/book_template/*.ipynb")), \
        "the venv in the checkout holds no notebooks: the test would prove nothing"
    assert shared_build.returncode == 0, \
        f"the README's strict build failed with .venv/ in the checkout:\n{shared_build.log[-8000:]}"
    ran = [path for path in EXECUTING.findall(shared_build.log) if "/.venv/" in path]
    pages = list((shared_build.book / "_build" / "html" / ".venv").rglob("*.html"))
    assert not (ran or pages), f"the build read .venv/: ran {ran[:5]}, wrote {pages[:5]}"


def test_cold_build_without_network_runs_every_chapter(built_book, shared_build):
    ran = {docname(built_book, path) for path in EXECUTING.findall(shared_build.log)}
    assert ran == notebooks(built_book), f"executed {sorted(ran)}"


def test_the_offline_sandbox_really_blocks_the_network():
    # Guards the test above: the same wrapper and proxies must stop an HTTP request.
    probe = subprocess.run(
        [*offline_wrapper(), sys.executable, "-c",
         "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/', timeout=10)"],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, **offline_env()))
    assert probe.returncode != 0, "a request got through the offline sandbox"
    assert "URLError" in probe.stderr, f"the probe failed for another reason:\n{probe.stderr}"


@cache
def parsed(html: Path) -> tuple:
    """Every toc page of the shared build, parsed once for all the tests here (read only)."""
    return tuple((page, BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"),
                                      "html.parser")) for page in toc_files())


def pages(html: Path):
    return parsed(html)


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


def test_build_changes_no_source_file(built_book, shared_build):
    # Everything outside _build/ and figures/ must be byte-identical after the build:
    # nothing written into chapters/ or data/, nothing added, nothing removed.
    before, after = shared_build.sources_before, source_digests(built_book)
    assert before, "no record of the sources before the build"
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
