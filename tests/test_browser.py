"""Quality gates in a real browser, over every page of the book.

The one shared strict build (``html`` fixture) is served on 127.0.0.1 and opened in
Debian's Chromium, driven by Playwright, once as a desktop reader (1280 px) and once as
a phone reader (390 px). The pages are the ones ``_toc.yml`` lists, plus the pages
Sphinx generates itself (search, index), so a chapter added to the table of contents is
checked without touching this file. For every page:

- no console error or uncaught exception, no failed request (network error or HTTP
  4xx/5xx), and no request to any host but the local server (every request is recorded,
  and the browser refuses any to another host);
- axe-core finds no serious or critical WCAG 2.1 A/AA violation;
- every content image has alt text that describes it;
- at 390 px there is no horizontal scroll;
- every copy button copies its code exactly, without prompts or outputs, and no
  output has a copy button.

Also: after the dark-mode toggle every figure is still visible on an opaque, light
background, and the search page finds the chapter a reader would expect for a few terms.

A failure names the page and the problem. Without Chromium, Playwright or axe-core (all
installed by ``scripts/test.sh``) the tests fail in CI and are skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import jupytext
import pytest
from bs4 import BeautifulSoup

from browser_support import PHONE, missing_tools, reader_page, visit_once
from conftest import page_source, toc_files
from system_tools import tool

pytestmark = pytest.mark.build

MISSING = missing_tools()
if MISSING and not os.environ.get("CI"):
    pytest.skip("browser tests need " + "; ".join(MISSING)
                + " (bash scripts/test.sh installs them)", allow_module_level=True)

# Pages Sphinx writes on its own, next to the ones _toc.yml lists.
GENERATED = ["search", "genindex"]
PAGES = toc_files() + GENERATED
# Words that make an alt text a non-description.
HASHLIKE = re.compile(r"^[0-9a-f]{12,}$")
FILENAME = re.compile(r"\.(svg|png|jpe?g|gif|webp)$", re.IGNORECASE)
REPR = re.compile(r"^<.*>$|^(Figure|Axes|IPython\.core\.display\.\w+)\b|object at 0x", re.DOTALL)
PROMPT = re.compile(r"^(>>> |\.\.\. |\$ )")


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def reports(browser, server, run_folder):
    """Each page visited once per test run (on first use, by whichever worker asks
    first), shared by every gate of every worker."""
    cache = {}

    def report(page):
        if page not in cache:
            cache[page] = visit_once(run_folder / "browser-visits", browser, server, page)
        return cache[page]

    return report


def lines(problems: list[str]) -> str:
    return "\n  ".join([""] + problems)


# ------------------------------------------------------------------------------ coverage

def test_every_built_page_is_gated(html):
    """Every HTML page of the site is one of PAGES, so none escapes the gates below."""
    built = {p.relative_to(html).with_suffix("").as_posix() for p in html.rglob("*.html")
             if not p.relative_to(html).parts[0].startswith("_")}
    built.discard("index")  # the redirect to the root page
    assert built <= set(PAGES), f"pages no browser test opens: {sorted(built - set(PAGES))}"
    missing = set(PAGES) - built
    assert not missing, f"_toc.yml lists pages that were not built: {sorted(missing)}"


# ------------------------------------------------------------------------------ gates

@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors(reports, page):
    report = reports(page)
    assert not report.console_errors, f"{page}: {lines(report.console_errors)}"


@pytest.mark.parametrize("page", PAGES)
def test_no_failed_requests(reports, page):
    report = reports(page)
    assert not report.failed_requests, f"{page}: {lines(report.failed_requests)}"


@pytest.mark.parametrize("page", PAGES)
def test_no_request_leaves_the_local_server(reports, server, page):
    report = reports(page)
    # The recorder must have seen the page itself, or an empty list proves nothing.
    assert report.url in report.requests, f"{page}: the request recorder saw no page load"
    assert not report.foreign_requests, f"{page}: {lines(report.foreign_requests)}"


def test_a_request_to_another_host_fails_inside_the_machine(browser, server):
    """The browser tests never reach the network: a page's request to another host, by
    name or by address, is refused by the browser itself (browser_support, CHROMIUM_ARGS),
    not left to fail on a machine without a network."""
    from browser_support import REFUSED

    failures = {}
    with reader_page(browser, server, "desktop", "intro") as page:
        page.on("requestfailed", lambda request: failures.setdefault(request.url, request.failure))
        page.evaluate("""(urls) => Promise.all(urls.map(url => fetch(url, {mode: "no-cors"})
                                                 .catch(() => null)))""",
                      ["http://example.org/", "http://203.0.113.9/"])
    assert failures == {"http://example.org/": REFUSED, "http://203.0.113.9/": REFUSED}


@pytest.mark.parametrize("page", PAGES)
def test_axe_wcag21_aa_no_serious_violations(reports, page):
    report = reports(page)
    assert report.axe_rules_run > 20, f"{page}: axe-core ran only {report.axe_rules_run} rules"
    assert not report.axe_violations, f"{page}: {lines(report.axe_violations)}"


@pytest.mark.parametrize("page", PAGES)
def test_content_images_have_descriptive_alt_text(reports, page):
    problems = []
    for image in reports(page).images:
        alt = (image["alt"] or "").strip()
        name = Path(urlsplit(image["src"]).path).name
        if image["decorative"] or image["role"] in ("presentation", "none"):
            continue
        if image["alt"] is None:
            problems.append(f"image {name} has no alt attribute")
        elif len(alt.split()) < 8:
            problems.append(f"image {name}: alt text {alt!r} is too short to describe a chart")
        elif FILENAME.search(alt) or HASHLIKE.match(alt) or alt == name:
            problems.append(f"image {name}: alt text {alt!r} is a file name or a hash")
        elif REPR.search(alt):
            problems.append(f"image {name}: alt text {alt!r} is a Python repr, not a description")
    assert not problems, f"{page}: {lines(problems)}"


@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_scroll_on_a_phone(reports, page):
    overflow = reports(page).overflow
    assert overflow["clientWidth"] == 390, f"{page}: the phone viewport is {overflow['clientWidth']} px"
    assert overflow["scrollWidth"] <= overflow["clientWidth"] and overflow["scrolled"] == 0, (
        f"{page}: scrolls sideways at 390 px (content {overflow['scrollWidth']} px wide); "
        f"elements past the right edge: {overflow['offenders']}"
    )


def expected_copies(page: str, shown: list[dict]) -> list[str]:
    """What each copy button must copy, worked out without the copy button's code.

    A code cell's input copies exactly the cell's source in the chapter file (cells the
    page removes, with ``remove-input`` or ``remove-cell``, have no button). A code
    block copies its lines without ``>>>``/``...``/``$`` prompts, and, where it has
    prompts, without the output lines that have none.
    """
    cells = []
    source = page_source(page) if page in toc_files() else None
    notebook = source is not None and (
        source.suffix == ".ipynb" or "```{code-cell}" in source.read_text(encoding="utf-8"))
    if notebook:
        for cell in jupytext.read(source).cells:
            tags = set(cell.metadata.get("tags", []))
            if cell.cell_type == "code" and not tags & {"remove-input", "remove-cell"}:
                cells.append(cell.source.strip("\n"))
    expected = []
    for copy in shown:
        if copy["in_input"]:
            expected.append(cells.pop(0) if cells else "<more cell inputs on the page than in the source>")
        else:
            text = copy["shown"].rstrip("\n").split("\n")
            if any(PROMPT.match(line) for line in text):
                text = [PROMPT.sub("", line) for line in text if PROMPT.match(line)]
            expected.append("\n".join(text))
    return expected


@pytest.mark.parametrize("page", PAGES)
def test_copy_buttons_copy_code_without_prompts_or_outputs(reports, page):
    report = reports(page)
    assert report.copy_buttons_in_outputs == 0, (
        f"{page}: {report.copy_buttons_in_outputs} copy button(s) on cell outputs")
    assert len(report.copies) == report.code_inputs, (
        f"{page}: {report.code_inputs} code input(s) but {len(report.copies)} copy button(s)")
    problems = []
    for copy, expected in zip(report.copies, expected_copies(page, report.copies)):
        if copy["copied"] != expected:
            problems.append(f"copy button of {copy['target']} copied {copy['copied']!r}, "
                            f"expected {expected!r}")
        elif any(PROMPT.match(line) for line in copy["copied"].split("\n")):
            problems.append(f"copy button of {copy['target']} copied a prompt")
    assert not problems, f"{page}: {lines(problems)}"


@pytest.mark.parametrize("page", PAGES)
def test_figures_stay_visible_in_dark_mode(reports, page):
    report = reports(page)
    if not report.dark_figures:
        return  # nothing to see on this page; the book as a whole is checked below
    assert report.dark_theme == "dark", f"{page}: the theme toggle never reached dark mode"
    problems = []
    for fig in report.dark_figures:
        name = Path(urlsplit(fig["src"]).path).name
        if fig["width"] < 50 or fig["height"] < 50:
            problems.append(f"figure {name} is {fig['width']:.0f}x{fig['height']:.0f} px in dark mode")
            continue
        if fig["hidden"] or fig["opacity"] < 0.9:
            how = fig["hidden"] or f"opacity {fig['opacity']:.2f}"
            problems.append(f"figure {name} is hidden in dark mode ({how})")
        hiding = [f for f in fig["filters"] if re.search(r"invert|opacity\(0|brightness\(0(\.[0-4])?\)", f)]
        if hiding:
            problems.append(f"figure {name} is filtered in dark mode: {hiding}")
        # As painted: mostly light paper (an opaque background) with dark ink on it.
        if fig.get("light", 0) < 0.5:
            problems.append(f"figure {name} has no opaque light background in dark mode "
                            f"(only {fig.get('light', 0):.0%} of its pixels are light)")
        if fig.get("dark", 0) < 0.002:
            problems.append(f"figure {name} shows no dark ink in dark mode")
    assert not problems, f"{page}: {lines(problems)}"


@pytest.mark.parametrize("page", PAGES)
def test_download_links_serve_the_files(reports, built_book, page):
    """Every download link works, and a dataset's link serves the file in data/."""
    problems = []
    for url in reports(page).downloads:
        name = Path(urlsplit(url).path).name
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
        except OSError as err:
            problems.append(f"download {name} fails: {err}")
            continue
        source = built_book / "data" / name
        if not body:
            problems.append(f"download {name} is empty")
        elif source.is_file() and body != source.read_bytes():
            problems.append(f"download {name} differs from data/{name}")
    assert not problems, f"{page}: {lines(problems)}"


def test_every_dataset_can_be_downloaded(reports, built_book):
    package = json.loads((built_book / "data" / "datapackage.json").read_text(encoding="utf-8"))
    wanted = {Path(resource["path"]).name for resource in package["resources"]}
    offered = {Path(urlsplit(url).path).name for page in PAGES for url in reports(page).downloads}
    assert wanted <= offered, f"no page offers a download of: {sorted(wanted - offered)}"


def test_the_book_has_figures_to_check_in_dark_mode(reports):
    with_figures = [p for p in PAGES if reports(p).dark_figures]
    assert with_figures, "no page has a figure, so the dark-mode test checked nothing"


# ------------------------------------------------------------------------------ reading on a phone

@pytest.mark.parametrize("page", PAGES)
def test_phone_menu_buttons_open_the_sidebars(reports, page):
    """On a 390 px touch screen, tapping the menu button opens the table of contents and
    the page-contents button opens the page's contents; no tooltip is left covering a
    header button."""
    menu = reports(page).phone_menu
    assert menu["primary"] is True, f"{page}: tapping the menu button did not open the table of contents"
    assert menu["secondary"] in (True, None), (
        f"{page}: tapping the page-contents button did not open the page's contents")
    assert not menu["covered"], f"{page}: {lines(menu['covered'])}"


def test_some_pages_have_page_contents_to_open(reports):
    assert any(reports(p).phone_menu["secondary"] for p in PAGES), (
        "no page has a page-contents button, so its test checked nothing")


def test_no_more_than_one_paragraph_in_twenty_runs_past_fifteen_lines_on_a_phone(reports):
    counted = {page: reports(page).paragraphs for page in PAGES}
    total = sum(len(paragraphs) for paragraphs in counted.values())
    long = [f'{page}: {p["lines"]} lines: "{p["text"]}"'
            for page, paragraphs in counted.items() for p in paragraphs if p["lines"] > 15]
    assert total > 500, f"only {total} paragraphs measured: the measurement is broken"
    assert len(long) * 20 <= total, (
        f"{len(long)} of {total} paragraphs run past 15 lines at 390 px:{lines(long)}")


def test_the_landing_page_opens_with_the_case_card_on_a_phone(reports):
    card = reports(PAGES[0]).case_card
    assert card, f"{PAGES[0]}: no case card"
    assert card["fields"] == ["Court", "Parties", "Filed", "Ended for Cloudflare",
                              "How it ended", "Why it matters"], card["fields"]
    assert card["bottom"] <= PHONE["height"], (
        f"{PAGES[0]}: the case card ends at {card['bottom']:.0f} px, below a phone's first "
        f"screen ({PHONE['height']} px)")


@pytest.mark.parametrize("page", PAGES)
def test_no_table_row_is_taller_than_a_phone_screen(reports, page):
    assert not reports(page).tall_rows, f"{page}: {lines(reports(page).tall_rows)}"


@pytest.mark.parametrize("page", PAGES)
def test_every_table_fits_its_column_on_a_desktop(reports, page):
    """At 1280 px no table is wider than the text column (the 33-row decisions table
    included): none is cut, and none scrolls sideways in a box of its own."""
    assert not reports(page).clipped_tables, f"{page}: {lines(reports(page).clipped_tables)}"


@pytest.mark.parametrize("page", PAGES)
def test_every_table_fits_its_column_on_a_phone(reports, page):
    assert not reports(page).phone_unfit_tables, f"{page}: {lines(reports(page).phone_unfit_tables)}"


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_opens_full_size(reports, page):
    """Each chart opens in a dialog (a tap on a phone, the keyboard on a desktop) at no
    less than its own size, so its smallest text (7.5 pt) is at least 10 CSS px; Escape
    closes it and gives focus back to the chart's button."""
    problems = []
    for chart in reports(page).zoom:
        where = f"chart {chart['index'] + 1} ({'tap on a phone' if chart['phone'] else 'keyboard'})"
        if not chart["open"]:
            problems.append(f"{where}: did not open")
            continue
        if chart["width"] < chart["natural"] - 1:
            problems.append(f"{where}: shown {chart['width']:.0f} px wide, smaller than its own "
                            f"{chart['natural']} px")
        if not chart["closed"]:
            problems.append(f"{where}: Escape did not close it")
        elif not chart["focus_back"]:
            problems.append(f"{where}: focus did not return to its button")
    assert not problems, f"{page}: {lines(problems)}"


@pytest.mark.parametrize("page", PAGES)
def test_phone_charts_are_readable_in_the_page(reports, page):
    """At 390 px the browser picks each chart's phone rendering, drawn at about the width
    it is shown, so its smallest text (charts.PHONE_MIN_TEXT points, 4/3 CSS px each, as
    drawn) is at least 9 CSS px as shown. A chart without a phone rendering fails: a
    phone would show its desktop rendering shrunk to the column."""
    from als_explainer.charts import PHONE_MIN_TEXT

    problems = []
    for chart in reports(page).phone_charts:
        if not chart["phone"]:
            problems.append(f"{chart['figure']}: no phone rendering (its {chart['natural']} px desktop "
                            f"rendering is shown {chart['shown']:.0f} px wide)")
            continue
        if chart["chosen"] != chart["phone"]:
            problems.append(f"{chart['figure']}: shows {chart['chosen']}, not its phone rendering")
            continue
        text = PHONE_MIN_TEXT * 4 / 3 * chart["shown"] / max(chart["natural"], 1)
        if text < 9:
            problems.append(f"{chart['figure']}: smallest text {text:.1f} CSS px (drawn "
                            f"{chart['natural']} px wide, shown {chart['shown']:.0f} px)")
    for chart in reports(page).zoom:
        if chart.get("open") and chart["phone"] and chart.get("scrolls") and chart.get("column", 0) > 0 \
                and not chart.get("pinned"):
            problems.append(f"chart {chart['index'] + 1}: full size, its lane names scroll away")
        elif chart.get("pinned") and chart.get("pin_reach", 0) > chart.get("rows", 1) + 0.01:
            problems.append(f"chart {chart['index'] + 1}: full size, the pinned lane names reach "
                            f"{chart['pin_reach']:.0%} down the chart, over the key below its axes "
                            f"(which starts at {chart['rows']:.0%})")
    assert not problems, f"{page}: {lines(problems)}"


def test_every_chart_has_a_phone_rendering(reports):
    """All of the book's charts (16 when this was written) were measured at 390 px, and
    each has a phone rendering: fewer charts found means the page-by-page check above
    looked at less than it should."""
    charts = [c for p in PAGES for c in reports(p).phone_charts]
    drawn = [c for c in charts if c["phone"]]
    assert len(charts) >= 16, f"only {len(charts)} charts were found on the pages; the book has 16"
    assert len(drawn) == len(charts), (
        f"{len(charts) - len(drawn)} of {len(charts)} charts have no phone rendering: "
        + ", ".join(c["figure"] for c in charts if not c["phone"]))


def test_the_book_has_charts_to_open(reports):
    opened = sum(1 for p in PAGES for chart in reports(p).zoom if chart["open"])
    assert opened >= 10, f"only {opened} chart openings were tried; the zoom test checked little"


def test_at_most_five_code_toggles_in_the_book(html):
    """Plumbing code is off the page: only a handful of cells show a code toggle."""
    toggles = {}
    for page in toc_files():
        soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        found = len(soup.select(".bd-article .cell details.hide"))  # myst-nb's hide-input
        if found:
            toggles[page] = found
    assert 1 <= sum(toggles.values()) <= 5, (
        f"{sum(toggles.values())} code toggles (the caching model's should remain): {toggles}")


# ------------------------------------------------------------------------------ search

SEARCH_TERMS = ["contributory", "Steadfast", "jurisdiction"]
# Text that is not the book's prose: bibliography entries, glossary definitions, code,
# outputs of code, the page furniture around the article.
NOT_PROSE = ".citation, .bibliography, dl.glossary, .cell, div.highlight, .headerlink"


def prose_counts(html: Path, term: str) -> tuple[Counter, set[str]]:
    """How often ``term`` occurs as a word in each chapter's prose, as built, and the
    pages that have it in a heading."""
    word = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    counts, in_headings = Counter(), set()
    for page in toc_files():
        soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article") or soup.select_one("main")
        for node in article.select(NOT_PROSE):
            node.decompose()
        if any(re.search(rf"\b{re.escape(term)}", h.get_text(), re.IGNORECASE)
               for h in article.select("h1, h2, h3, h4, h5, h6")):
            in_headings.add(page)
        for heading in article.select("h1, h2, h3, h4, h5, h6"):
            heading.decompose()
        found = len(word.findall(article.get_text(" ")))
        if found:
            counts[page] = found
    return counts, in_headings


def search(browser, server, term: str) -> list[tuple[str, str]]:
    """The search page's results for ``term``, in order, as (page, anchor)."""
    with reader_page(browser, server, "desktop", "search", f"?q={term}") as page:
        page.wait_for_selector("#search-results .search-summary", timeout=15000)
        hrefs = page.eval_on_selector_all("#search-results ul.search li > a",
                                          "links => links.map(a => a.getAttribute('href'))")
    return [(re.sub(r"\.html$", "", urlsplit(h).path).lstrip("./"), urlsplit(h).fragment)
            for h in hrefs]


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds_the_chapter_about_a_term(browser, server, html, term):
    """The chapter that uses a word most is found, and only pages with the word in a
    heading, glossary entries for it, or pages that use it as much rank above it."""
    counts, in_headings = prose_counts(html, term)
    assert counts, f"search for {term!r}: no chapter's prose uses the word; pick another term"
    expected, most = counts.most_common(1)[0]
    results = search(browser, server, term)
    pages = [page for page, _ in results]
    assert expected in pages, (
        f"search for {term!r}: {expected} uses it most ({most} times) but is not found: {pages}")
    ahead = results[:pages.index(expected)]
    wrong = [f"{page}#{anchor}" if anchor else page for page, anchor in ahead
             if not (anchor.startswith("term-") or page in in_headings
                     or counts.get(page, 0) >= most)]
    assert not wrong, (
        f"search for {term!r}: {expected} uses it most ({most} times), yet these pages rank "
        f"above it without a heading or glossary entry for it or as many uses: {wrong}")
    missing = sorted(set(counts) - set(pages))
    assert not missing, f"search for {term!r}: pages using the word are not found: {missing}"


# Text that reads as code, not as a sentence: a call, an index, an assignment, an import.
# A call is a name followed by "(": statute subsections such as "Rule 41(a)(1)" are not.
CODE_LIKE = re.compile(r"[A-Za-z_]\(\s*[\"'\w]|\.\w+\[|^\s*(import|from)\s|\w\s*=\s*[\w\"'(]", re.MULTILINE)


def search_snippets(browser, server, term: str) -> list[dict]:
    """Each result of the search page for ``term``: its link and its snippet."""
    with reader_page(browser, server, "desktop", "search", f"?q={term}") as page:
        page.wait_for_selector("#search-results .search-summary", timeout=15000)
        page.wait_for_function(  # snippets arrive one by one, after each page is fetched
            "() => Array.from(document.querySelectorAll('#search-results ul.search li'))"
            ".every(li => li.querySelector('p.context'))", timeout=20000)
        return page.eval_on_selector_all(
            "#search-results ul.search li",
            """items => items.map(li => ({href: li.querySelector('a').getAttribute('href'),
                                          snippet: li.querySelector('p.context').textContent}))""")


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_snippets_are_the_sentences_that_matched(browser, server, html, term):
    """Every snippet shows the query word in prose (no code), and a hit in a chapter's
    text links to a section of the page that uses the word, not to the page top."""
    results = search_snippets(browser, server, term)
    assert results, f"search for {term!r} found nothing"
    problems = []
    for result in results:
        snippet = result["snippet"]
        if not re.search(rf"\b{re.escape(term[:6])}", snippet, re.IGNORECASE):
            problems.append(f"{result['href']}: snippet without the word: {snippet[:120]!r}")
        if CODE_LIKE.search(snippet):
            problems.append(f"{result['href']}: snippet shows code: {snippet[:120]!r}")
    sections = [r for r in results if "#" in r["href"] and not r["href"].split("#")[1].startswith("term-")]
    if not sections:
        problems.append("no result links to a section; all go to page tops or glossary entries")
    for result in sections:
        path, anchor = result["href"].split("#", 1)
        soup = BeautifulSoup((html / path).read_text(encoding="utf-8"), "html.parser")
        target = soup.find(id=anchor)
        if target is None:
            problems.append(f"{result['href']}: no element with that id")
        elif not re.search(rf"\b{re.escape(term[:6])}", target.get_text(" "), re.IGNORECASE):
            problems.append(f"{result['href']}: the section linked to does not use the word")
    assert not problems, f"search for {term!r}: {lines(problems)}"


def test_snippet_checker_recognises_code():
    assert CODE_LIKE.search('cases.set_index("id").loc[...]')
    assert CODE_LIKE.search("import pandas as pd")
    assert not CODE_LIKE.search("Steadfast won summary judgment (the court said so) in 2018.")
    assert not CODE_LIKE.search("a Rule 41(a)(1) dismissal under 17 U.S.C. § 512(c)")


# ------------------------------------------------------------------------------ tables

DATA_APPENDIX = "chapters/90-data"
# Each table's text as shown. A table off screen is not drawn until a reader scrolls near it
# (content-visibility: auto, reader.css), and the text of what is not drawn reads as empty:
# each is drawn first, as for a reader who scrolls to it.
TABLE_TEXTS = """() => Array.from(document.querySelectorAll('.bd-article table'), t => {
  for (let e = t; e; e = e.parentElement) e.style.contentVisibility = "visible";
  return t.innerText;
})"""


def pages_with_tables(html: Path) -> list[str]:
    return [page for page in toc_files() if BeautifulSoup(
        (html / f"{page}.html").read_text(encoding="utf-8"), "html.parser").select("article table")]


def data_codes() -> list[re.Pattern]:
    """The data's codes as a table would show them raw ("press-summary", "press summary",
    or a cell reading just "single"): a reader must see their words instead."""
    from als_explainer.tables import READER_WORDS

    patterns = []
    for words in READER_WORDS.values():
        for code, word in words.items():
            if code == word:  # "approximate" is its own word
                continue
            if "-" in code:  # a slug, with its hyphens or with spaces, anywhere
                patterns.append(re.compile(r"\b" + code.replace("-", "[- ]") + r"\b", re.I))
            else:  # a one-word code on its own in a cell
                patterns.append(re.compile(r"(^|\t|\n)" + code + r"($|\t|\n)"))
    return patterns


def test_on_a_tablet_every_table_fits_and_shows_words_not_codes(browser, server, html):
    """At 768 px (a tablet held upright) a table that does not fit its column becomes
    cards; and no table, on any page, shows a data code instead of its words."""
    from browser_support import UNFIT_TABLES

    pages = pages_with_tables(html)
    assert len(pages) > 5, "hardly any page has a table: has the test gone stale?"
    codes = data_codes()
    problems = []
    for name in pages:
        with reader_page(browser, server, "tablet", name) as page:
            problems += [f"{name}: {p}" for p in page.evaluate(UNFIT_TABLES)]
            texts = [] if name == DATA_APPENDIX else page.evaluate(TABLE_TEXTS)  # it documents the codes
        for i, text in enumerate(texts):
            if not text.strip():
                problems.append(f"{name}: table {i + 1} shows no text")
            shown = sorted({m.group(0).strip() for c in codes for m in c.finditer(text)})
            if shown:
                problems.append(f"{name}: table {i + 1} shows data codes {shown}")
    assert not problems, lines(problems)


# ------------------------------------------------------------------------------ paper


def pages_with_long_tables(html: Path) -> list[str]:
    """Pages with a table of more than 12 rows: the ones whose notes fold away on screen."""
    return [page for page in toc_files()
            if any(len(t.select("tbody tr")) > 12 for t in BeautifulSoup(
                (html / f"{page}.html").read_text(encoding="utf-8"), "html.parser").select("article table"))]


# A mark in the last cell of every row (inside its folded notes, if any): found in the
# printed text, it shows that the row was printed whole, to its last column.
MARK_ROWS = """() => {
  let count = 0;
  document.querySelectorAll("article table").forEach((table, t) => {
    table.querySelectorAll("tbody tr").forEach((row, r) => {
      const cell = row.cells[row.cells.length - 1];
      const holder = cell.querySelector("details") || cell;
      const mark = document.createElement("span");
      mark.textContent = ` ZQ${t}R${r}Q`;
      holder.appendChild(mark);
      count += 1;
    });
  });
  return count;
}"""


def test_a_table_that_widens_once_laid_out_becomes_cards(browser, server):
    """tables.js watches each table it has done: one that outgrows its column afterwards
    (the first page a browser opens may lay its text out a few pixels narrower until the
    system's font settings arrive) is laid out again, as cards."""
    from browser_support import UNFIT_TABLES

    with reader_page(browser, server, "tablet", "chapters/11-the-case-from-the-record") as page:
        widened = page.evaluate("""() => {
            const table = Array.from(document.querySelectorAll(".bd-article table"))
              .find(t => !t.classList.contains("table-as-cards"));
            if (!table) return false;
            // A long word in every column: too wide for a row of the table, not for a card.
            for (const cell of table.tBodies[0].rows[0].cells) cell.append(" Wwwwwwwwwwwwwwwwwwwwwww");
            return true; }""")
        assert widened, "no table of that page fits at 768 px: pick another page"
        assert not page.evaluate(UNFIT_TABLES)


def test_an_open_note_keeps_its_table_drawn(browser, server):
    """Tables off screen are not drawn (content-visibility, reader.css); a table whose note
    is open is, so the note's panel is never clipped, and goes back to normal when closed."""
    with reader_page(browser, server, "desktop", "chapters/21-contributory-infringement") as page:
        toggle = page.locator("table.table-long details.table-fold > summary").first
        toggle.scroll_into_view_if_needed()
        state = """(s) => { const b = s.closest('.pst-scrollable-table-container');
                    return [b.classList.contains('table-note-open'), getComputedStyle(b).contentVisibility]; }"""
        toggle.click()  # the details' toggle event comes a moment after the click
        page.wait_for_function("() => !!document.querySelector('.table-note-open')", timeout=5000)
        opened = toggle.evaluate(state)
        toggle.click()
        page.wait_for_function("() => !document.querySelector('.table-note-open')", timeout=5000)
        closed = toggle.evaluate(state)[0]
    assert opened == [True, "visible"], f"an open note's table: {opened}"
    assert not closed, "the table stays marked after its note closed"


def test_printing_a_page_keeps_every_table_row_and_no_screen_control(browser, server, html, tmp_path):
    """As a reader prints (the browser fires beforeprint, then lays the page out for paper):
    every row of every table, to its last column and folded notes, and none of the controls."""
    pages = pages_with_long_tables(html)
    assert pages, "no page has a long table: has the test gone stale?"
    problems = []
    for page_name in pages:
        with reader_page(browser, server, "desktop", page_name, settled=False) as page:
            marks = page.evaluate(MARK_ROWS)
            # Printing at once, before tables.js has done every table: it does the rest first.
            if not page.evaluate("() => { window.dispatchEvent(new Event('beforeprint'));"
                                 " return document.documentElement.dataset.tables === 'ready'; }"):
                problems.append(f"{page_name}: printed before every table was done")
            pdf = tmp_path / (page_name.replace("/", "-") + ".pdf")
            page.pdf(path=str(pdf), format="A4")
        text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        printed = set(re.findall(r"ZQ\d+R\d+Q", text))
        if len(printed) < marks:
            problems.append(f"{page_name}: {marks - len(printed)} of {marks} table rows not printed whole")
        squeezed = "".join(text.split())
        for control in ("Filterrows:", "scrollitsideways", "FullsizeFig."):
            if control in squeezed:
                problems.append(f"{page_name}: the screen control {control!r} printed")
    assert not problems, lines(problems)


# ------------------------------------------------------------------------------ search, as a reader meets it

def page_words(html: Path, href: str) -> str:
    """The text of the page a result links to (without its fragment), for word checks."""
    soup = BeautifulSoup((html / urlsplit(href).path).read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    return article.get_text(" ")


# A query, what a snippet must show of it, and what the page must use for the result to count.
READER_QUERIES = {
    "intent": r"\bintent",
    "tentative": r"\btentativ",
    "harbour": r"\bharbou?r",
    "CDN": r"\bCDN|content delivery network",
    "content delivery network": r"\bCDN|content delivery network",
    "Cox": r"\bCox\b",
}


def test_search_as_a_reader_meets_it(browser, server, html):
    """Each page listed once; every result uses the word (a short stem never matches
    inside another word: "tentative" once found a chapter only through "intent"); each
    snippet shows the word, starts and ends at a word, does not stop at "v." or "Inc.",
    holds no interface text, and a glossary entry shows its definition; British and
    American spellings, and an abbreviation and its long form, find the same pages."""
    found, problems = {}, []
    for query, shows in READER_QUERIES.items():
        results = search_snippets(browser, server, query)
        pages = [urlsplit(r["href"]).path for r in results]
        found[query] = set(pages)
        if not results:
            problems.append(f"{query!r}: no result")
        twice = sorted({page for page in pages if pages.count(page) > 1})
        if twice:
            problems.append(f"{query!r}: pages listed more than once: {twice}")
        for result in results:
            snippet, href = result["snippet"], result["href"]
            where = f"{query!r} -> {href}"
            text = page_words(html, href)
            if not re.search(shows, text, re.IGNORECASE):
                problems.append(f"{where}: the page does not use the word")
            if not re.search(shows, snippet, re.IGNORECASE):
                problems.append(f"{where}: snippet without the word: {snippet[:100]!r}")
            words = snippet.strip("\u2026 ").split()
            for word in (words[0], words[-1]) if words else ():
                bare = word.strip("\u201c\u201d\u2018\u2019\"'()[],.;:?!")
                if bare and not re.search(rf"(?<!\w){re.escape(bare)}(?!\w)", text):
                    problems.append(f"{where}: snippet cut inside a word ({bare!r}): {snippet[:100]!r}")
            if re.search(r"(?<!\w)(v|No|U\.S|Inc)\.$", snippet.strip()):
                problems.append(f"{where}: snippet stops at an abbreviation: {snippet[-60:]!r}")
            if re.search(r"\.md\b|\.pdf\b|Facts and law as of", snippet):
                problems.append(f"{where}: snippet shows interface text: {snippet[:100]!r}")
            if "#term-" in href and ": " not in snippet:
                problems.append(f"{where}: a glossary entry without its definition: {snippet!r}")
    harbor = {urlsplit(r["href"]).path for r in search_snippets(browser, server, "harbor")}
    if found["harbour"] != harbor:
        problems.append(f"'harbour' and 'harbor' find different pages: {sorted(found['harbour'] ^ harbor)}")
    if found["CDN"] != found["content delivery network"]:
        problems.append("'CDN' and 'content delivery network' find different pages: "
                        f"{sorted(found['CDN'] ^ found['content delivery network'])}")
    assert not problems, lines(problems)


# ------------------------------------------------------------------------------ phone navigation

NAV_PAGE = "chapters/22-dmca-safe-harbors"


def test_a_tap_in_the_page_contents_closes_the_drawer_at_the_section(browser, server):
    """On a phone, tapping a section in the page's contents drawer lands on the section
    with the drawer closed, so the text is not covered and the page can be read."""
    with reader_page(browser, server, "phone", NAV_PAGE) as page:
        page.locator(".bd-header-article .secondary-toggle").first.tap()
        page.wait_for_function("() => document.getElementById('pst-secondary-sidebar-modal').open")
        link = page.locator("#pst-secondary-sidebar-modal a[href^='#']").nth(3)
        target = link.get_attribute("href")
        link.tap()
        page.wait_for_function("(h) => location.hash === h", arg=target, timeout=5000)
        page.wait_for_timeout(300)
        state = page.evaluate("""(h) => {
            const d = document.getElementById('pst-secondary-sidebar-modal');
            const t = document.getElementById(h.slice(1)).getBoundingClientRect();
            const mid = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
            return {open: d.open, top: t.top, onTop: mid ? mid.closest('article') !== null : false};
        }""", target)
    assert not state["open"], f"{NAV_PAGE}: the contents drawer stayed open after a tap on {target}"
    assert 0 <= state["top"] < 200, f"{NAV_PAGE}: the section {target} is at {state['top']:.0f} px, not in view"
    assert state["onTop"], f"{NAV_PAGE}: something covers the text after the tap"


HEADER_CONTROLS = """() => Array.from(document.querySelectorAll(
    '.bd-header-article button, .bd-header-article .btn'))
  .filter((b) => !b.closest('.dropdown-menu'))
  .map((b) => { const r = b.getBoundingClientRect();
    return {name: b.getAttribute('aria-label') || b.title || b.className,
            download: !!b.closest('.dropdown-download-buttons'),
            fullscreen: b.classList.contains('btn-fullscreen-button'),
            shown: r.width > 0 && r.height > 0 && getComputedStyle(b).visibility !== 'hidden',
            width: r.width, height: r.height}; })"""


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_header_controls_are_44px_and_phones_get_only_useful_ones(browser, server, width):
    reader = {390: "phone", 768: "tablet", 1280: "desktop"}[width]
    with reader_page(browser, server, reader, NAV_PAGE) as page:
        assert page.viewport_size["width"] == width
        controls = page.evaluate(HEADER_CONTROLS)
    shown = [c for c in controls if c["shown"]]
    assert len(shown) >= 3, f"{width} px: only {len(shown)} header controls shown"
    small = [f"{c['name']} {c['width']:.0f}x{c['height']:.0f}" for c in shown
             if c["width"] < 44 or c["height"] < 44]
    assert not small, f"{width} px: header controls under 44 x 44 px: {small}"
    useless = {c["name"] for c in shown if c["download"] or c["fullscreen"]}
    if width < 768:
        assert not useless, f"{width} px: download and full-screen shown on a phone: {useless}"
    else:
        assert len(useless) == 2, f"{width} px: download and full screen should be offered: {controls}"


def test_prev_next_titles_read_in_lines_not_a_word_per_line(browser, server):
    with reader_page(browser, server, "phone", NAV_PAGE) as page:
        titles = page.evaluate("""() => Array.from(document.querySelectorAll('.prev-next-title'))
            .map((t) => ({text: t.textContent.trim(), lines: Math.round(t.getBoundingClientRect().height
                          / parseFloat(getComputedStyle(t).lineHeight))}))""")
    assert len(titles) == 2, titles
    for title in titles:
        words = len(title["text"].split())
        assert title["lines"] <= max(2, words // 3), (
            f"{NAV_PAGE}: {title['text']!r} takes {title['lines']} lines at 390 px")


def test_the_sidebar_names_the_book_and_each_part_once(html):
    soup = BeautifulSoup((html / f"{NAV_PAGE}.html").read_text(encoding="utf-8"), "html.parser")
    sidebar = soup.select_one(".bd-sidebar-primary")
    title = soup.select_one(".navbar-brand").get_text(" ", strip=True)
    links = [a.get_text(" ", strip=True) for a in sidebar.select("nav a")]
    assert title not in links, f"the book's title {title!r} is listed again under itself"
    for caption in sidebar.select("p.caption"):
        first = caption.find_next("a")
        name = re.sub(r"^[\d.]+\s*", "", first.get_text(" ", strip=True)) if first else ""
        assert name != caption.get_text(" ", strip=True), (
            f"the sidebar names {name!r} twice: as a Part and as its first page")
