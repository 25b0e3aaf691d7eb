"""The page repairs of book_extensions.reader_fixes, on markup as the tools write it, and in
the one shared build."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from book_extensions.reader_fixes import TEMPLATES, fix_body, unique_scripts
from conftest import toc_files

# As docutils 0.21 writes a citation list, and myst-nb a collapsed code cell.
CITATIONS = """<div role="list" class="citation-list">
<div class="citation" id="id31" role="doc-biblioentry">
<span class="label"><span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></span>
<p>An entry.</p>
</div>
<div class="citation" id="id6" role="doc-biblioentry">
<p>Another.</p>
</div>
</div>"""
SUMMARY = """<details class="admonition hide above-input">
<summary aria-label="Toggle hidden content">
<p class="collapsed admonition-title">Show code cell source</p>
</summary></details>"""


def test_citation_entries_become_list_items():
    soup = BeautifulSoup(fix_body(CITATIONS), "html.parser")
    entries = soup.select(".citation")
    assert len(entries) == 2
    assert all(entry.get("role") == "listitem" for entry in entries)
    assert all(entry.get("id") for entry in entries)  # link targets kept
    assert soup.select_one(".citation-list")["role"] == "list"


def test_code_toggle_is_named_by_its_visible_text():
    soup = BeautifulSoup(fix_body(SUMMARY), "html.parser")
    summary = soup.select_one("summary")
    assert summary.get("aria-label") is None
    assert "Show code cell source" in summary.get_text()


def test_other_markup_is_left_alone():
    text = '<div class="note" role="doc-biblioentry"><summary aria-label="Other">x</summary></div>'
    assert fix_body(text) == text


class Script:
    """Stands in for Sphinx's _JavaScript asset (filename, attributes)."""

    def __init__(self, filename, **attributes):
        self.filename, self.attributes = filename, attributes


def test_repeated_scripts_are_kept_once_in_order():
    scripts = [Script("doctools.js"), Script(None, body="const A = 1"), Script("thebe.js", **{"async": "async"}),
               Script("", body="const A = 1"), Script("doctools.js"), Script(None, body="const B = 2")]
    kept = unique_scripts(scripts)
    assert [s.filename or s.attributes.get("body") for s in kept] == [
        "doctools.js", "const A = 1", "thebe.js", "const B = 2"]
    assert kept[0] is scripts[0] and kept[1] is scripts[1]


def test_same_file_with_different_attributes_is_two_scripts():
    assert len(unique_scripts([Script("a.js"), Script("a.js", defer="defer")])) == 2


def test_theme_templates_exist_for_the_components_they_replace():
    assert {p.name for p in TEMPLATES.glob("*.html")} == {"theme-switcher.html",
                                                          "search-button-field.html"}


@pytest.mark.build
def test_built_pages_carry_the_repairs(html):
    for page in toc_files():
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        assert 'role="doc-biblioentry"' not in text, f"{page}: bibliography entry not a list item"
        assert 'aria-label="Toggle hidden content"' not in text, f"{page}: code toggle label"
        assert len(re.findall(r"const THEBE_JS_URL", text)) <= 1, f"{page}: thebe script twice"
        soup = BeautifulSoup(text, "html.parser")
        for icon in soup.select(".theme-switch-button i"):
            assert icon.get("aria-hidden") == "true" and not icon.get("title"), (
                f"{page}: theme switch icon {icon.get('data-mode')} is not decorative")
        for button in soup.select("button.search-button-field"):
            assert button.get("aria-label") is None, f"{page}: search field label hides its text"
