"""The sort-and-filter script of sortable tables (book_extensions/static/sortable-table.js):
its pure functions under ``node --test``, and one reader in a real browser sorting the
decisions table by date and filtering it, then sorting its cards on a phone."""

from __future__ import annotations

import calendar
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, SiteServer, tables_done
from conftest import ROOT
from system_tools import tool

PAGE = "chapters/21-contributory-infringement"
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


def test_sort_and_filter_rules_pass_node_test():
    result = subprocess.run([tool("node"), "--test", str(ROOT / "tests" / "js")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"^# pass [1-9]", result.stdout, re.M), result.stdout[-2000:]
    assert re.search(r"^# fail 0$", result.stdout, re.M), result.stdout[-2000:]


def start_day(label: str) -> tuple[int, int, int]:
    """The first day a date label may mean, as (year, month, day); 0 where unknown."""
    first = label.split(" – ")[0].split()
    year = int(first[-1])
    month = MONTHS[first[-2].lower()] if len(first) >= 2 else 0
    day = int(first[0]) if len(first) == 3 else 0
    return year, month, day


@pytest.mark.build
def test_a_reader_sorts_decisions_by_date_and_filters_them(html):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; scripts/test.sh installs it", pytrace=False)
    # In its own process: Playwright's sync API allows one session per process, and the
    # browser gates (test_browser.py) keep theirs open for the whole test session.
    script = f"from pathlib import Path; import test_sortable_table as t; t.sort_and_filter(Path({str(html)!r}))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "tests", capture_output=True,
                            text=True, timeout=300,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)])))
    assert result.returncode == 0, result.stderr[-4000:]


def sort_and_filter(html) -> None:
    """Sort the decisions table by date, both ways, then filter it, as a reader would."""
    from playwright.sync_api import sync_playwright

    with SiteServer(html) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.goto(server.base + PAGE + ".html", wait_until="networkidle")
            table = page.locator("table.sortable-table")
            total = table.locator("tbody tr").count()
            dates = table.locator("tbody tr td:nth-child(3)")

            date_button = table.locator("thead button.sortable-table-sort", has_text="Date")
            date_button.click()
            assert table.locator("thead th").nth(2).get_attribute("aria-sort") == "ascending"
            ascending = [start_day(t) for t in dates.all_inner_texts()]
            assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
            date_button.click()
            descending = [start_day(t) for t in dates.all_inner_texts()]
            assert descending == sorted(ascending, reverse=True)

            everything = table.locator("tbody tr").all_inner_texts()
            expected = sum("cloudflare" in row.lower() for row in everything)
            assert 0 < expected < total
            page.get_by_label("Filter rows:").fill("Cloudflare")
            visible = table.locator("tbody tr:not([hidden])")
            assert visible.count() == expected
            assert all("cloudflare" in row.lower() for row in visible.all_inner_texts())
            assert page.get_by_role("status").inner_text() == f"{expected} of {total} rows shown."
            # A table sorts with its headings; the "Sort by" list is for cards only.
            assert not page.get_by_label("Sort by:").is_visible()
            page.close()
            sort_cards_on_a_phone(browser, server)
        finally:
            browser.close()


def sort_cards_on_a_phone(browser, server) -> None:
    """On a phone the rows are cards, their headings hidden: the reader taps "Sort by"
    and picks the latest decisions first, then page order again."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(server.base + PAGE + ".html", wait_until="networkidle")
        tables_done(page)
        table = page.locator("table.sortable-table")
        assert "table-as-cards" in table.get_attribute("class"), "the rows are not cards on a phone"
        # Drawn once near the screen (content-visibility: auto); until then its text reads empty.
        table.scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('table.sortable-table td').innerText !== ''")
        assert page.get_by_label("Sort by:").is_visible()
        dates = table.locator("tbody tr td:nth-child(3)")
        first = dates.all_inner_texts()
        sort_by = page.get_by_label("Sort by:")
        sort_by.tap()
        sort_by.select_option(label="Date, latest first")
        latest = [start_day(t) for t in dates.all_inner_texts()]
        assert latest == sorted(latest, reverse=True) and latest[0] > latest[-1]
        assert table.locator("thead th").nth(2).get_attribute("aria-sort") == "descending"
        assert page.get_by_role("status").inner_text() == "Sorted by Date, latest first."
        sort_by.select_option(label="page order")
        assert dates.all_inner_texts() == first
    finally:
        context.close()


def test_the_extension_adds_the_script_only_to_pages_with_a_sortable_table(tmp_path, make_app):
    # A tiny Sphinx project, as sphinxcontrib-bibtex and MyST-NB test their extensions
    # (sphinx.testing's make_app, which undoes each app's registrations afterwards).
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["book_extensions.reader_assets"]\n', encoding="utf-8")
    (source / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n   plain\n\n.. list-table:: Rows\n   :class: sortable-table\n"
        "   :header-rows: 1\n\n   * - Date\n   * - 17 July 2020\n", encoding="utf-8")
    (source / "plain.rst").write_text(
        "Plain\n=====\n\n.. list-table:: Rows\n   :header-rows: 1\n\n   * - Date\n   * - 2020\n",
        encoding="utf-8")
    app = make_app("html", srcdir=source, freshenv=True)
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    out = Path(app.outdir)
    with_table = (out / "index.html").read_text(encoding="utf-8")
    without = (out / "plain.html").read_text(encoding="utf-8")
    assert 'src="_static/sortable-table.js' in with_table
    assert 'href="_static/sortable-table.css' in with_table
    assert "sortable-table.js" not in without and "sortable-table.css" not in without
    for every_page in ('src="_static/tables.js', 'src="_static/chart-zoom.js', 'href="_static/reader.css'):
        assert every_page in with_table and every_page in without, every_page
    assert (out / "_static" / "sortable-table.js").read_bytes() == \
        (ROOT / "book_extensions/static/sortable-table.js").read_bytes()
