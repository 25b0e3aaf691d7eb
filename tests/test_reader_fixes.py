"""The page repairs of book_extensions.reader_fixes, on markup as the tools write it, and in
the one shared build."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from book_extensions.reader_fixes import TEMPLATES

from conftest import toc_files


def test_citation_entries_are_list_items_in_a_list(small_book):
    soup = BeautifulSoup((small_book / "sources.html").read_text(encoding="utf-8"), "html.parser")
    entries = soup.select(".citation")
    assert len(entries) == 2
    assert all(entry.get("role") == "listitem" and entry.get("id") for entry in entries)
    assert all(entry.parent.get("role") == "list" for entry in entries)


def test_code_toggle_is_named_by_its_visible_text(small_book):
    soup = BeautifulSoup((small_book / "chapter.html").read_text(encoding="utf-8"), "html.parser")
    summary = soup.select_one("details.hide summary")
    assert summary is not None and summary.get("aria-label") is None
    assert "Show code cell source" in summary.get_text()


def test_a_script_added_twice_is_kept_once(small_book):
    text = (small_book / "chapter.html").read_text(encoding="utf-8")
    assert text.count("const BOOK_TEST_SCRIPT = 1;") == 1


# Every intended difference between a copied template and the theme's original, as
# (the theme's lines, our lines), comments left out; "" on one side for lines only one
# of them has. The switcher's icons are decorative
# (aria-hidden, no title); the search button loses its aria-label and its icon is hidden.
INTENDED = {
    "theme-switcher.html": {(
        '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="{{ _(\'Light\') }}"></i>\n'
        '<i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark" title="{{ _(\'Dark\') }}"></i>\n'
        '<i class="theme-switch fa-solid fa-circle-half-stroke fa-lg" data-mode="auto" '
        'title="{{ _(\'System Settings\') }}"></i>',
        '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" aria-hidden="true"></i>\n'
        '<i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark" aria-hidden="true"></i>\n'
        '<i class="theme-switch fa-solid fa-circle-half-stroke fa-lg" data-mode="auto" aria-hidden="true"></i>',
    )},
    "search-button-field.html": {(
        '<button class="btn search-button-field search-button__button pst-js-only" '
        'title="{{ _(\'Search\') }}" aria-label="{{ _(\'Search\') }}" data-bs-placement="bottom" '
        'data-bs-toggle="tooltip">\n'
        '<i class="fa-solid fa-magnifying-glass"></i>',
        '<button class="btn search-button-field search-button__button pst-js-only" '
        'title="{{ _(\'Search\') }}" data-bs-placement="bottom" data-bs-toggle="tooltip">\n'
        '<i class="fa-solid fa-magnifying-glass" aria-hidden="true"></i>',
    )},
    # The header's hidden sidebar toggles removed: the theme's script bound to them, not
    # to the visible ones, so the phone menu did not open (see the template's comment).
    "sections/header.html": {
        ('<button class="pst-navbar-icon sidebar-toggle primary-toggle" '
         'aria-label="{{ _(\'Site navigation\') }}">\n<span class="fa-solid fa-bars"></span>\n</button>', ''),
        ('{% if not remove_sidebar_secondary and secondary_sidebar_items %}\n'
         '<button class="pst-navbar-icon sidebar-toggle secondary-toggle" aria-label="{{ _(\'On this page\') }}">\n'
         '<span class="fa-solid fa-outdent"></span>\n</button>\n{% endif %}', ''),
    },
}


def _lines(text: str) -> list[str]:
    """Template lines without Jinja comments, blank lines or runs of spaces."""
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def theme_original(name: str) -> Path:
    """The installed theme's file that the copy ``name`` (relative to the templates folder)
    replaces: Sphinx looks in sphinx-book-theme, then in pydata-sphinx-theme, whose
    ``components/`` hold the pieces the templates include by bare name."""
    import pydata_sphinx_theme
    import sphinx_book_theme

    folders = [Path(sphinx_book_theme.__file__).parent / "theme/sphinx_book_theme",
               Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme"]
    for folder in folders:
        for candidate in (folder / name, folder / "components" / name):
            if candidate.is_file():
                return candidate
    raise AssertionError(f"{name}: the installed themes have no such template to replace")


@pytest.mark.parametrize("name", sorted(INTENDED))
def test_copied_template_differs_from_the_themes_only_as_intended(name):
    # An upgrade of the theme that changes the original fails here, instead of the book
    # silently serving the old markup (re-copy it, re-apply the change).
    theme = theme_original(name)
    ours, theirs = _lines((TEMPLATES / name).read_text(encoding="utf-8")), _lines(theme.read_text(encoding="utf-8"))
    changed = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, theirs, ours, autojunk=False).get_opcodes():
        if tag != "equal":  # a block replaced, added ("" on the theme's side) or removed
            changed.add(("\n".join(theirs[i1:i2]), "\n".join(ours[j1:j2])))
    assert changed == INTENDED[name], f"{name} differs from {theme} in unexpected ways: {changed ^ INTENDED[name]}"


def test_every_copied_template_is_checked():
    copies = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")}
    assert copies == set(INTENDED), "list each copied template's intended differences in INTENDED"


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
