"""The book as an edition: dates (book_extensions/editions.py), the About and What's new
pages, CITATION.cff, share metadata, the root page and sitemap (sharing.py), previews
(previews.py: sphinx-tippy) in a browser, and the PDF edition built from the one shared
build. The extensions' own behaviour is checked in process on tests/roots/test-edition.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from fnmatch import fnmatch
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from book_extensions.editions import reader_date
from book_extensions.previews import tip_html
from book_extensions.sharing import root_page, share_description

from conftest import PDF_GROUP, ROOT, toc_files
from system_tools import tool

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
# The Citation File Format 1.2.0 schema, as cffconvert 2.0.0 ships it (cffconvert itself
# pins jsonschema<4, which this book's environment cannot take).
CFF_SCHEMA = Path(__file__).resolve().parent / "cff-schema-1.2.0.json"


def soup_of(html: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


# ------------------------------------------------------------------------------ dates


def test_reader_date_reads_days_and_months_and_refuses_typos():
    assert reader_date("2026-12-02") == "2 December 2026"
    assert reader_date("2026-03") == "March 2026"
    for bad in ("2026-13", "2026-02-30", "Dec 2026", ""):
        with pytest.raises(ValueError, match="book_facts_as_of"):
            reader_date(bad, setting="book_facts_as_of")


def build_edition(tmp_path, builder="html", parallel=0, force_all=False, **settings) -> tuple[Path, str]:
    """tests/roots/test-edition (copied into ``tmp_path`` once) built in process with
    ``settings`` (every page written again with ``force_all``, as ``--all`` asks): the
    builder's output folder and the warnings."""
    from sphinx.testing.util import SphinxTestApp

    srcdir = tmp_path / "edition"
    if not srcdir.exists():
        shutil.copytree(ROOT / "tests" / "roots" / "test-edition", srcdir)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible sets it for the process
    app = SphinxTestApp(builder, srcdir=srcdir, confoverrides=settings, parallel=parallel)
    try:
        app.build(force_all=force_all)
    finally:
        app.cleanup()
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        if epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    return Path(app.outdir), app.warning.getvalue()


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    html, warnings = build_edition(tmp_path_factory.mktemp("edition"))
    assert not warnings, warnings
    return html


def test_dated_pages_say_when_their_facts_were_checked_and_the_landing_page_the_edition(edition):
    def line(page, kind):
        found = soup_of(edition, page).select_one(f"h1 + p.{kind}")  # right under the title
        return found and (found.get_text(" ", strip=True), [a["href"] for a in found.select("a")])

    assert line("chapters/one", "facts-as-of") == ("Facts and law as of December 2026. What's new",
                                                   ["../news.html"])
    assert line("chapters/two", "facts-as-of")[0].startswith("Facts and law as of 15 January 2027.")
    assert line("news", "facts-as-of") is None  # not matched by book_dated_pages
    text, links = line("intro", "book-edition")
    assert text.startswith("Edition of 7 December 2026 (version 2026.12.1).")
    assert links == ["news.html", "about.html", "small.pdf", "small.epub"]


def test_a_mistyped_date_stops_the_build_naming_the_setting(tmp_path):
    with pytest.raises(Exception, match=r"book_facts_as_of_pages\['chapters/two'\] = '2027-13-01'"):
        build_edition(tmp_path, book_facts_as_of_pages={"chapters/two": "2027-13-01"})


def test_every_chapter_says_when_its_facts_were_checked(html):
    dated = [p for p in toc_files() if any(fnmatch(p, pattern) for pattern in CONFIG["book_dated_pages"])
             and p not in CONFIG["book_facts_as_of_pages"]]
    assert len(dated) >= 19, dated  # every chapter of the four Parts and the case at a glance
    expected = f"Facts and law as of {reader_date(CONFIG['book_facts_as_of'])}."
    wrong = []
    for page in dated:
        h1 = soup_of(html, page).select_one("article h1")
        line = h1.find_next_sibling()
        if not (line and "facts-as-of" in line.get("class", []) and line.get_text().startswith(expected)):
            wrong.append(page)
    assert not wrong, f"no '{expected}' line right under the title of {wrong}"
    assert not soup_of(html, "chapters/99-bibliography").select("p.facts-as-of")


def test_landing_page_shows_the_edition_and_links_to_news_about_and_pdf(html):
    line = soup_of(html, "intro").select_one("p.book-edition")
    assert line is not None, "no edition line on the landing page"
    assert f"Edition of {reader_date(CONFIG['book_date'])} (version {CONFIG['book_version']})" \
        in line.get_text()
    links = {a.get_text(): a["href"] for a in line.select("a")}
    assert links["What's new"] == "chapters/97-whats-new.html"
    assert links["Editors, licence and how to cite"] == "chapters/98-about.html"
    assert links["The whole book as a PDF"] == CONFIG["book_pdf_name"]


def test_whats_new_lists_cox_first_with_dates_from_the_record(html):
    headings = [h.get_text(" ", strip=True) for h in soup_of(html, "chapters/97-whats-new").select("article h2")]
    assert headings and headings[0].startswith("29 November 2026") and "Cox v. Sony" in headings[0]
    dates = [re.match(r"(\d+ \w+ \d{4})", h).group(1) for h in headings]
    assert dates == sorted(dates, key=lambda d: time.strptime(d, "%d %B %Y")), "not in date order"


# ------------------------------------------------------------------------------ accountability


def test_about_page_names_editors_contact_licences_and_how_to_cite(html):
    text = soup_of(html, "chapters/98-about").select_one("article").get_text(" ", strip=True)
    assert "the editors of the ALS Scan explainer" in text
    assert "CC BY 4.0" in text and "MIT" in text
    assert "How to cite this book" in text and f"version {CONFIG['book_version']}" in text
    if not CONFIG["book_contact"]:
        # No invented address: the page says plainly how corrections reach the editors.
        assert "through the book's repository" in text.replace("\u2019", "'")
        assert "gives no email or web address" in text
    assert "not yet" not in text and "configured" not in text, "a placeholder on the About page"
    docket = soup_of(html, "chapters/99-bibliography").select_one("article").get_text(" ", strip=True)
    assert "PACER" in docket and "2:16-cv-05051" in docket
    assert "Following the court record" in text, "the About page no longer points to the docket note"


def test_citation_cff_is_valid_and_matches_the_edition():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(cff)]
    assert not errors, errors
    assert cff["version"] == CONFIG["book_version"]
    assert cff["date-released"] == CONFIG["book_date"]
    assert cff["authors"] == [{"name": "The editors of the ALS Scan explainer"}]


def test_licence_files_and_readme_state_the_licences():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Attribution 4.0 International Public License" in \
        (ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "MIT" in readme


# ------------------------------------------------------------------------------ sharing


def test_every_page_has_its_own_share_metadata(html):
    descriptions, missing = {}, []
    for page in toc_files():
        soup = soup_of(html, page)
        meta = {m["property"]: m["content"] for m in soup.select("meta[property^='og:']")}
        for field in ("og:title", "og:description", "og:image"):
            if not meta.get(field):
                missing.append(f"{page}: {field}")
        description = meta.get("og:description", "")
        assert not description.startswith(("Facts and law", "Edition of")), \
            f"{page}: the share description is the date line, not the page"
        descriptions.setdefault(description, []).append(page)
        image = meta.get("og:image", "")
        if image and not image.startswith("http"):  # no site address configured: relative
            assert (html / image).is_file(), f"{page}: og:image {image} was not written"
    assert not missing, missing
    shared = {d[:60]: p for d, p in descriptions.items() if len(p) > 1}
    assert not shared, f"pages share one description: {shared}"


def test_share_descriptions_are_clean_prose(html):
    """What a link preview shows: the page's own sentences, whole, without citation
    brackets ("2018[ ALS Scan, Inc., …"), cut words or a second description tag."""
    problems = []
    for page in toc_files():
        soup = soup_of(html, page)
        og = soup.select_one("meta[property='og:description']")["content"]
        names = [m["content"] for m in soup.select("meta[name='description']")]
        if names != [og]:
            problems.append(f"{page}: meta description {names} is not the share description")
        if "[" in og or "]" in og:
            problems.append(f"{page}: citation brackets in {og!r}")
        if not (og.endswith((".", "?", "!", "\u201d", "\u2026")) and not og.endswith("...")):
            problems.append(f"{page}: ends mid-sentence: {og[-50:]!r}")
        if og.endswith("\u2026") and not re.search(r"\w\u2026$", og):
            problems.append(f"{page}: cut oddly: {og[-50:]!r}")
    assert not problems, "\n".join(problems)


def test_share_description_keeps_whole_sentences_or_words():
    text = ("The case, ALS Scan, Inc. v. Cloudflare, Inc., was heard in Los Angeles. "
            "It ended in 2018 without a ruling on the merits.")
    assert share_description(text, 80) == "The case, ALS Scan, Inc. v. Cloudflare, Inc., was heard in Los Angeles."
    assert share_description(text, 40) == "The case, ALS Scan, Inc. v. Cloudflare\u2026"
    assert share_description(text) == text


def test_root_page_carries_the_landing_pages_share_metadata(html):
    def share(path):
        soup = BeautifulSoup((html / path).read_text(encoding="utf-8"), "html.parser")
        return {(m.get("property") or m.get("name")): m["content"] for m in soup.select("meta")
                if (m.get("property") or m.get("name") or "").startswith(("og:", "twitter:", "description"))}
    landing = share("intro.html")
    assert {"og:title", "og:description", "og:image", "description"} <= set(landing)
    assert share("index.html") == landing


def test_root_page_has_a_title_and_the_favicon(html):
    soup = BeautifulSoup((html / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title and soup.title.get_text() == "ALS Scan v. Cloudflare, explained"
    icon = soup.select_one("link[rel=icon]")
    assert icon and (html / icon["href"]).is_file()
    assert (html / "favicon.ico").read_bytes() == (html / icon["href"]).read_bytes()
    assert soup.select_one("meta[http-equiv=Refresh]")["content"].endswith("url=intro.html")


def test_the_sitemap_lists_every_page_at_the_site_address(edition):
    urlset = ElementTree.parse(edition / "sitemap.xml").getroot()
    locs = [loc.text for loc in urlset.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = ["about", "chapters/one", "chapters/two", "intro", "news"]
    assert sorted(locs) == [f"https://example.org/small/{page}.html" for page in pages]


def test_no_sitemap_and_no_warning_without_a_site_address(tmp_path):
    site, warnings = build_edition(tmp_path, html_baseurl="")
    assert not warnings, warnings
    assert not (site / "sitemap.xml").exists()
    assert (site / "index.html").is_file()  # the root page does not depend on the address


def test_the_epub_is_dated_by_the_edition_carries_no_script_and_sits_next_to_the_pages(tmp_path):
    html, _ = build_edition(tmp_path)
    folder, warnings = build_edition(tmp_path, builder="epub")
    assert not warnings, warnings
    epub = folder / "small.epub"
    assert (html / "small.epub").read_bytes() == epub.read_bytes()
    assert soup_of(html, "intro").select_one("a.epub-edition")["href"] == "small.epub"
    with zipfile.ZipFile(epub) as archive:
        assert archive.namelist()[0] == "mimetype"
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        opf = archive.read("content.opf").decode("utf-8")
        pages = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xhtml")}
    for element in ("<dc:title>A small edition</dc:title>", "<dc:date>2026-12-07T00:00:00Z</dc:date>",
                    "<dc:creator>The editors of a small edition</dc:creator>",
                    '<meta property="ibooks:version">2026.12.1</meta>'):
        assert element in opf, element
    assert not [name for name, text in pages.items() if "<script" in text]
    assert "pdf-edition" not in pages["intro.xhtml"] and "epub-edition" not in pages["intro.xhtml"]


def test_an_epub_rebuilt_in_its_folder_packs_no_stylesheet_left_by_the_build_before(tmp_path):
    """myst-nb's stylesheet, written after the first build packed its e-book, must not be
    packed by the next (``--all``): epubcheck cannot parse it."""
    build_edition(tmp_path, builder="epub")
    folder, warnings = build_edition(tmp_path, builder="epub", force_all=True)
    assert not warnings, warnings
    with zipfile.ZipFile(folder / "small.epub") as archive:
        assert not [name for name in archive.namelist() if "mystnb" in name], archive.namelist()


def test_the_same_sources_in_another_folder_give_the_same_site(edition, tmp_path):
    """book_extensions.reproducible: a folder of the book named by absolute path (as the
    book's extensions name theirs) is hashed into .buildinfo relative to the book, so the
    site built in another folder is byte for byte the same."""
    from book_extensions.reproducible import differences, tree_digests

    again, warnings = build_edition(tmp_path, html_static_path=[str(tmp_path / "edition" / "_static")])
    assert not warnings, warnings
    first, second = tree_digests(edition), tree_digests(again)
    assert {".buildinfo", "searchindex.js", "sitemap.xml"} <= set(first)
    assert not differences(first, second), differences(first, second)


def test_root_page_escapes_what_it_prints():
    assert "<title>A &amp; B</title>" in root_page("A & B", "intro.html", None)


# ------------------------------------------------------------------------------ previews


def preview_scripts(html: Path, page: str) -> list[str]:
    """The scripts a page lists for book-previews.js to load on demand, none loaded with it."""
    soup = soup_of(html, page)
    assert not soup.select("script[src*='tippy']"), f"{page} loads the previews' scripts up front"
    lists = [s.get_text() for s in soup.select("script:not([src])") if "bookPreviewScripts" in s.get_text()]
    assert len(lists) == 1 and soup.select("script[src*='book-previews.js']"), page
    return json.loads(lists[0].split("=", 1)[1].strip().rstrip(";"))


def test_each_page_s_tips_are_one_script_named_by_what_it_holds(edition, tmp_path):
    scripts = sorted(p.relative_to(edition).as_posix() for p in (edition / "_static" / "tippy").rglob("*.js"))
    assert [re.sub(r"\.[0-9a-f]{16}\.js$", "", s) for s in scripts] == \
        ["_static/tippy/" + page for page in ["about", "chapters/one", "chapters/two", "intro", "news"]]
    for script in scripts:
        page = script.removeprefix("_static/tippy/").rpartition(".")[0].rpartition(".")[0]
        lazy = preview_scripts(edition, page)
        assert [src.rpartition("/")[2] for src in lazy] == \
            ["popper.min.js", "tippy-bundle.umd.min.js", script.rpartition("/")[2]], page
    again, _ = build_edition(tmp_path)  # another folder, another process's set order
    assert sorted(p.relative_to(again).as_posix() for p in (again / "_static" / "tippy").rglob("*.js")) == scripts


def test_with_two_processes_every_page_s_tip_script_is_written(tmp_path):
    html, warnings = build_edition(tmp_path, parallel=2)
    assert "previews extension is not safe for parallel writing" in warnings  # so pages are written in order
    for page in ["about", "chapters/one", "chapters/two", "intro", "news"]:
        scripts = [src for src in preview_scripts(html, page) if "tippy/" in src]
        assert scripts and all((html / page).parent.joinpath(src).is_file() for src in scripts), (page, scripts)


def test_tip_html_drops_ids_roles_and_anchors():
    html = ('<div class="citation" id="id5" role="doc-biblioentry"><p>Text '
            '<a class="headerlink" href="#x" title="link">#</a></p></div>')
    assert tip_html(html) == '<div class="citation"><p>Text </p></div>'


def test_previews_javascript_is_the_locked_npm_release(tmp_path):
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    modules = ROOT / "node_modules"
    if not (modules / "tippy.js").is_dir():
        # Install exactly the lock's versions into a scratch folder (npm registry only).
        for name in ("package.json", "package-lock.json"):
            shutil.copy(ROOT / name, tmp_path / name)
        subprocess.run([tool("npm"), "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=tmp_path, check=True, capture_output=True, timeout=300)
        modules = tmp_path / "node_modules"
    vendor = ROOT / "book_extensions" / "static" / "vendor"
    pairs = {"popper.min.js": "@popperjs/core/dist/umd/popper.min.js",
             "tippy-bundle.umd.min.js": "tippy.js/dist/tippy-bundle.umd.min.js"}
    for ours, theirs in pairs.items():
        assert (vendor / ours).read_bytes() == (modules / theirs).read_bytes(), \
            f"book_extensions/static/vendor/{ours} differs from the locked npm release; " \
            "run `npm ci && npm run vendor`"
    assert lock["packages"]["node_modules/tippy.js"]["version"] == "6.3.7"
    assert CONFIG["tippy_js"] == [f"vendor/{name}" for name in pairs]
    assert CONFIG["tippy_enable_wikitips"] is False and CONFIG["tippy_enable_doitips"] is False


# ------------------------------------------------------------------------------ previews in a browser

TIP = "[data-tippy-root] .tippy-box"


@pytest.fixture(scope="module")
def reader(browser, server):
    """Open a page of the served site in the desktop reader's warm tab, or with
    ``phone=True`` the phone reader's (tests/browser_support.py, reader_tab), as a first
    visit would find it; every request to another host is recorded here, and refused there."""
    from browser_support import leave_page, reader_tab

    foreign, watched = [], []

    def record(request):
        if server.host not in request.url and not request.url.startswith(("data:", "blob:", "about:")):
            foreign.append(request.url)

    def open_page(page_name: str, phone: bool = False):
        page = reader_tab(browser, "phone" if phone else "desktop")
        leave_page(page)  # the last test's page, forgotten as a new tab would find it
        page = reader_tab(browser, "phone" if phone else "desktop")  # (a new one, if it broke)
        if page not in watched:
            page.on("request", record)
            watched.append(page)
        page.goto(server.base + page_name + ".html", wait_until="networkidle")
        # The previews' scripts load when a reader first needs one (page_weight.py).
        page.wait_for_function("() => Array.isArray(window.bookPreviewScripts) && "
                               "document.querySelector('article a') !== null")
        return page

    open_page.foreign = foreign
    yield open_page
    for tab in watched:
        tab.remove_listener("request", record)
        if not tab.is_closed():
            leave_page(tab)


def _first(page, selector: str):
    link = page.locator(f"article.bd-article {selector}").first
    link.scroll_into_view_if_needed()
    return link


def test_keyboard_focus_on_a_citation_shows_its_bibliography_entry(reader):
    page = reader("chapters/21-contributory-infringement")
    link = _first(page, "a[href*='99-bibliography.html#']")
    link.focus()
    tip = page.locator(TIP)
    tip.wait_for(state="visible", timeout=5000)
    text = tip.inner_text()
    assert re.search(r"\b(19|20)\d\d\b", text) and len(text) > 60, text  # a full entry, with its year
    assert link.get_attribute("aria-describedby"), "the tip is not announced to screen readers"
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=5000)


def test_hover_on_a_glossary_term_shows_its_definition(reader):
    page = reader("chapters/21-contributory-infringement")
    link = _first(page, "a[href*='95-glossary.html#term-']")
    term = link.inner_text().strip().lower()
    link.hover()
    tip = page.locator(TIP)
    tip.wait_for(state="visible", timeout=5000)
    assert term.split()[0] in tip.inner_text().lower() and len(tip.inner_text()) > len(term) + 40


@pytest.mark.parametrize("term", ["CDN", "origin-server"])
def test_a_term_that_shares_its_entry_previews_the_definition(reader, term):
    """"CDN" and "content delivery network" are one glossary entry: both preview it."""
    page = reader("chapters/12-between-a-site-and-its-readers")
    link = _first(page, f"a[href$='95-glossary.html#term-{term}']")
    assert page.evaluate("() => typeof tippy") == "undefined", "the previews loaded with the page"
    link.hover()
    tip = page.locator(TIP)
    tip.wait_for(state="visible", timeout=5000)
    assert len(tip.inner_text()) > len(link.inner_text()) + 60, tip.inner_text()


def test_a_link_inside_a_preview_can_be_followed(reader):
    page = reader("chapters/12-between-a-site-and-its-readers")
    _first(page, "a[href$='95-glossary.html#term-CDN']").hover()
    tip = page.locator(TIP)
    tip.wait_for(state="visible", timeout=5000)
    inner = tip.locator("a[href]").first
    target = inner.get_attribute("href").split("#")[0]
    inner.hover()
    inner.click()
    page.wait_for_url(f"**/{target.split('/')[-1]}*", timeout=10000)


def test_a_reference_to_a_figure_previews_the_figure(reader):
    page = reader("chapters/21-contributory-infringement")
    _first(page, "a.reference[href^='#fig-']").hover()
    tip = page.locator(TIP)
    tip.wait_for(state="visible", timeout=5000)
    assert tip.locator("img").count() == 1 and "Fig." in tip.inner_text()


def test_a_tap_shows_the_tip_on_a_touch_screen_and_a_second_tap_follows_the_link(reader):
    page = reader("chapters/21-contributory-infringement", phone=True)
    link = _first(page, "a[href*='95-glossary.html#term-']")
    link.tap()
    page.locator(TIP).wait_for(state="visible", timeout=5000)
    assert page.url.endswith("21-contributory-infringement.html"), "the first tap left the page"
    link.tap()
    page.wait_for_url("**/95-glossary.html#term-*", timeout=10000)


def test_navigation_links_get_no_tips(reader):
    page = reader("chapters/21-contributory-infringement")
    page.locator(".bd-sidebar-primary a[href$='22-dmca-safe-harbors.html']").first.hover()
    page.wait_for_timeout(600)
    assert page.locator(TIP).count() == 0


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_an_open_tip_is_readable_and_passes_axe(reader, mode):
    from browser_support import run_axe, switch_to_dark

    page = reader("chapters/21-contributory-infringement")
    if mode == "dark":
        assert switch_to_dark(page) == "dark"
        # Clicking the theme button leaves its own tooltip fading out under the pointer;
        # this test is about the preview, so move away and let that tooltip go first.
        page.mouse.move(0, 600)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.wait_for_function("() => !document.querySelector('.tooltip')", timeout=5000)
    _first(page, "a[href*='99-bibliography.html#']").focus()
    tip = page.locator(TIP)
    tip.wait_for(state="visible", timeout=5000)
    colours = tip.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
    assert colours[0] != colours[1]
    if mode == "dark":
        assert colours[0] != "rgb(255, 255, 255)", "a white tip on a dark page"
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('[data-tippy-root] .tippy-box')).opacity === '1'")
    problems, rules = run_axe(page)
    assert rules > 0 and not problems, problems


def test_previews_request_nothing_from_other_hosts(reader):
    page = reader("chapters/21-contributory-infringement")
    _first(page, "a[href*='99-bibliography.html#']").hover()
    page.locator(TIP).wait_for(state="visible", timeout=5000)
    assert not reader.foreign, reader.foreign


# ------------------------------------------------------------------------------ PDF edition


def pdf_readings(pages: list[str], reader, needles: list[str]) -> dict[str, str]:
    """The PDF's text as two readers see it: poppler's pdftotext (``pages``), every page;
    and pypdf (``reader``), the first page on which pdftotext found each of ``needles``,
    whole (pypdf takes half a minute over the whole book). A font written without a
    proper Unicode map garbles one reader or the other, so both must read what the tests
    look for."""
    pages = [" ".join(page.split()) for page in pages]
    squeezed = ["".join(page.split()).lower() for page in pages]
    wanted = sorted({next((i for i, page in enumerate(squeezed) if "".join(needle.split()).lower() in page), None)
                     for needle in needles} - {None})
    pypdf = [" ".join((reader.pages[n].extract_text() or "").split()) for n in wanted]
    return {"pypdf": " ".join(pypdf), "pdftotext": " ".join(pages)}


#: The font families the PDF may embed: those sphinx-simplepdf ships (PyPI, pinned) and those
#: book_extensions/paper_static/book-pdf-fonts.css names (Debian packages the build installs).
BOOK_FONTS = ("Fira-Sans", "Work-Sans", "monospace", "fontawesome-webfont", "Book-Japanese", "Book-Symbols")
NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0e00-\u0e7f\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]+"
                       r"(?:[\s\d,.]*[\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0e00-\u0e7f\u3000-\u9fff\uac00-\ud7af\uff00-\uffef\d]+)*")


def pdf_fonts(path: Path) -> dict[str, str]:
    """Every font the PDF embeds (its name without the subset tag) and its encoding, as
    poppler's ``pdffonts`` lists them (in a second; pypdf takes five to open every page)."""
    lines = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=True,
                           timeout=120).stdout.splitlines()
    columns = [match.span() for match in re.finditer(r"-+", lines[1])]  # the rule under the headings
    fonts = {}
    for line in lines[2:]:
        name, _, encoding = (line[start:end].strip() for start, end in columns[:3])
        fonts[name.split("+", 1)[-1]] = encoding
    return fonts


@pytest.mark.xdist_group(PDF_GROUP)
def test_pdf_uses_only_the_books_fonts_and_every_glyph_has_one(pdf):
    """WeasyPrint writes a glyph no font has with an encoding of its own (and prints an empty
    box); a font outside the book's own means the machine's fonts leaked in."""
    fonts = pdf_fonts(pdf.path)
    assert fonts, "pdffonts lists no font in the PDF"
    lacking = {name: enc for name, enc in fonts.items() if enc != "Identity-H"}
    assert not lacking, f"glyphs without a font in the PDF (WeasyPrint's missing-glyph path): {lacking}"
    foreign = sorted(name for name in fonts if not name.startswith(BOOK_FONTS))
    assert not foreign, f"fonts the book does not install were used: {foreign}"
    assert any(name.startswith("Book-Japanese") for name in fonts), "the Japanese quotes were not typeset"


def test_the_font_check_sees_a_glyph_that_no_font_has(tmp_path):
    """The check above can fail: WeasyPrint, given only DejaVu (no Japanese), writes its
    missing-glyph encoding, and pdf_fonts reads it."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path}/cache</cachedir>"
                    "</fontconfig>", encoding="utf-8")
    pdf = tmp_path / "missing.pdf"
    script = ("import sys, weasyprint; weasyprint.HTML(string='<p style=\"font-family: DejaVu Sans\">"
              "Text and \u5408\u8a08</p>').write_pdf(sys.argv[1])")
    subprocess.run([sys.executable, "-c", script, str(pdf)], check=True, capture_output=True, timeout=120,
                   env=dict(os.environ, FONTCONFIG_FILE=str(conf)))
    assert {enc for enc in pdf_fonts(pdf).values()} - {"Identity-H"}, pdf_fonts(pdf)


@pytest.mark.xdist_group(PDF_GROUP)
def test_pdf_has_every_chapter_figure_glossary_and_bibliography(pdf, pdf_pages, pdf_reader, html):
    titles, numbers = [], []
    for page in (soup_of(html, name) for name in toc_files()):
        title = " ".join(page.select_one("article h1").get_text(" ").replace("#", "").split())
        titles.append(re.sub(r"^\d+\.\s*", "", title))
        numbers += [" ".join(n.get_text().split()) for n in page.select("article figure .caption-number")]
    assert numbers, "no numbered figures on the site"
    quotes = NON_LATIN.findall((ROOT / "references.bib").read_text(encoding="utf-8"))
    assert quotes, "references.bib quotes nothing in a non-Latin script: has the test gone stale?"
    labels = ["TorrentFreak, 2018b", "Complete Music Update, 2017"]
    readings = pdf_readings(pdf_pages, pdf_reader, [*titles, *numbers, *quotes, *labels, "safe harbor", "Glossary"])
    for reader, whole in readings.items():
        missing = [t for t in titles if t not in whole]
        assert not missing, f"chapter titles {reader} cannot find in the PDF: {missing}"
        absent = [n for n in numbers if n not in whole]
        assert not absent, f"figure captions {reader} cannot find in the PDF: {absent}"
        # Japanese has no spaces between words: pdftotext's line breaks are not the text's.
        squeezed = "".join(whole.split())
        unread = [q for q in quotes if "".join(q.split()) not in squeezed]
        assert not unread, f"non-Latin quotes from references.bib {reader} cannot find: {unread}"
        for label in labels:
            assert label in whole, f"bibliography entry {label} missing ({reader})"
        assert "safe harbor" in whole.lower() and "Glossary" in whole
        assert "Show code cell" not in whole and "OUTSIDE BLOCK" not in whole
    single = (pdf.book / "_build" / "simplepdf" / "intro.html").read_text(encoding="utf-8")
    assert single.count('<img alt="') >= len(numbers), "figures missing from the page WeasyPrint typeset"


@pytest.mark.xdist_group(PDF_GROUP)
def test_pdf_is_published_next_to_the_site_and_the_landing_page_link_works(pdf, html):
    href = soup_of(html, "intro").select_one("a.pdf-edition")["href"]
    assert (html / href).read_bytes() == pdf.path.read_bytes()


# ------------------------------------------------------------------------------ provenance


def test_notes_link_every_address_they_name():
    from book_extensions.citation_style import linked

    parts = linked("Copy read: a repost, https://example.org/t?a=1.0. Then more")
    assert [p.astext() for p in parts] == ["Copy read: a repost, ", "https://example.org/t?a=1.0", ". Then more"]
    assert parts[1]["refuri"] == "https://example.org/t?a=1.0"


def _entry(html: Path, words: str):
    entries = [c for c in soup_of(html, "chapters/99-bibliography").select("div.citation") if words in c.get_text()]
    assert len(entries) == 1, f"{len(entries)} bibliography entries contain {words!r}"
    return entries[0]


def test_bibliography_links_the_original_first_and_the_copy_read_second(html):
    entry = _entry(html, "Supreme Court rules for Cox in Sony copyright fight")
    hrefs = [a["href"] for a in entry.select("a.reference.external")]
    assert hrefs[0].startswith("https://thehill.com/"), hrefs
    assert hrefs[1].startswith("https://www.gopbriefingroom.com/"), hrefs
    text = entry.get_text(" ")
    assert text.index("thehill.com") < text.index("Copy read") < text.index("gopbriefingroom")


def test_a_source_known_only_from_a_copy_says_so(html):
    entry = _entry(html, "Cloudflare Settles Dangerous Piracy Liability Lawsuit")
    assert "the only copy known" in entry.get_text(" ")
    assert [a["href"] for a in entry.select("a.reference.external")] == \
        ["https://nsaneforums.com/topic/316060-cloudflare-settles-dangerous-piracy-liability-lawsuit/"]
