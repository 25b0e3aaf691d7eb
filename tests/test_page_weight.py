"""The page budget, the deterministic part (issue 21; the editing guide's "The page budget").

Every page of the built site, on first load, transfers at most 300 KiB compressed: its HTML,
the stylesheets, scripts, images and fonts it loads before a reader does anything, each
gzip-compressed as a static host serves text. Images marked ``loading="lazy"`` (charts
below the fold) and files loaded only on interaction (previews, the search index on
reading pages) are not counted. The theme's 1.5 MB icon script is gone, and the icon font
that replaced it covers every icon the pages show. Lighthouse's timed scores are measured
by ``scripts/lighthouse.py``, not here: a test suite on a shared machine cannot time pages.
"""

from __future__ import annotations

import gzip
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tinycss2
from fontTools.ttLib import TTFont

from book_extensions.page_weight import (
    ICON_FONT,
    ICONS,
    STYLESHEET,
    TEMPLATES,
    THEME_CSS,
    THEME_FONT,
    icon_codepoints,
    reduced_stylesheet,
    selector_possible,
)

BUDGET = 300 * 1024
TEXT = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml")


class _Assets(HTMLParser):
    """What a page loads on first paint: stylesheets, script files, eager images, icons;
    and every class it uses."""

    def __init__(self):
        super().__init__()
        self.urls, self.classes, self.inline = [], set(), []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes.update((attrs.get("class") or "").split())
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "img" and attrs.get("loading") != "lazy" and attrs.get("src"):
            self.urls.append(attrs["src"])
        self._in_script = tag == "script" and not attrs.get("src")

    def handle_data(self, data):
        if self._in_script:
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


@cache  # the theme's files are shared by every page: compress each once
def transferred(path: Path) -> int:
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in TEXT else len(data)


def _local(site: Path, page: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("data:"):
        return None
    target = (page.parent / parts.path).resolve()
    return target if target.is_relative_to(site.resolve()) else None


def _css_loads(site: Path, sheet: Path) -> list[Path]:
    """The files a stylesheet loads whatever the page: its @imports, and the book's icon font."""
    loads = []
    for rule in tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"), True, True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            for token in rule.prelude:
                if token.type in ("string", "url"):
                    loads.append((sheet.parent / token.value).resolve())
    if sheet.name == Path(STYLESHEET).name:
        loads.append((site / "_static" / ICON_FONT).resolve())
    return loads


def first_load(site: Path, page: Path) -> tuple[int, dict[str, int], _Assets]:
    """Bytes ``page`` transfers on first load, and each file's share."""
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    files = {page.resolve()}
    pending = [path for url in parser.urls if (path := _local(site, page, url)) is not None]
    while pending:
        path = pending.pop()
        if path in files:
            continue
        assert path.is_file(), f"{page.relative_to(site)} loads {path}, which is not in the site"
        files.add(path)
        if path.suffix == ".css":
            pending.extend(_css_loads(site, path))
    shares = {path.relative_to(site.resolve()).as_posix(): transferred(path) for path in files}
    return sum(shares.values()), shares, parser


def pages(html: Path) -> list[Path]:
    return sorted(path for path in html.rglob("*.html")
                  if not path.relative_to(html).parts[0].startswith("_"))


@pytest.fixture(scope="module")
def loads(html):
    """Each page's first load; the tests that read it form one xdist group."""
    return {page.relative_to(html).as_posix(): first_load(html, page) for page in pages(html)}


@pytest.mark.xdist_group("page-weight")  # one worker measures the site, once
def test_every_page_is_within_the_byte_budget(loads):
    assert len(loads) > 20
    over = {page: (total, sorted(shares.items(), key=lambda item: -item[1])[:4])
            for page, (total, shares, _) in loads.items() if total > BUDGET}
    assert not over, "\n".join(f"{page}: {total / 1024:.0f} KiB > {BUDGET // 1024} KiB; largest: {top}"
                               for page, (total, top) in over.items())


@pytest.mark.xdist_group("page-weight")  # one worker measures the site, once
def test_the_icon_script_is_gone(html, loads):
    assert not list(html.rglob("fontawesome.js*")), "the theme's icon script is still shipped"
    for page, (_, shares, _) in loads.items():
        assert not [name for name in shares if "fontawesome" in name or name.endswith("pydata-sphinx-theme.css")], page


@pytest.mark.xdist_group("page-weight")  # one worker measures the site, once
def test_the_icon_font_draws_every_icon_the_pages_show(html, loads):
    used = {name[3:] for _, _, parser in loads.values() for name in parser.classes
            if name.startswith("fa-") and name not in ("fa-solid", "fa-regular", "fa-brands", "fa-lg")}
    assert used, "no icons found on the pages"
    assert used <= set(ICONS), f"icons missing from page_weight.ICONS: {sorted(used - set(ICONS))}"
    wanted = icon_codepoints(THEME_CSS.read_text(encoding="utf-8"), sorted(used))
    font = TTFont(html / "_static" / ICON_FONT)
    drawn = set(font.getBestCmap())
    solid = set(TTFont(THEME_FONT).getBestCmap())
    assert wanted & solid <= drawn, sorted(hex(c) for c in (wanted & solid) - drawn)
    assert len(drawn) < 60, "the icon font is no longer a subset"


@pytest.mark.xdist_group("page-weight")  # one worker measures the site, once
def test_search_index_and_previews_load_only_when_needed(html, loads):
    for page, (_, shares, _) in loads.items():
        if page == "search.html":
            continue
        assert "searchindex.js" not in shares, f"{page} loads the search index"
        assert not [name for name in shares if "/tippy/" in name or "tippy-bundle" in name], page
    chapter = loads["chapters/21-contributory-infringement.html"][2]
    assert any("bookPreviewScripts" in script and "/tippy/" in script for script in chapter.inline)


# ------------------------------------------------------------------------------ the stylesheet


def test_rules_that_cannot_match_are_dropped_and_states_are_kept():
    words = {"bd-header", "fa-sun", "show", "tooltip"}
    tags = {"html", "body", "div", "a"}
    assert selector_possible(".fa-sun:before", tags, words)
    assert not selector_possible(".fa-rocket:before", tags, words)
    assert selector_possible('html[data-theme="dark"] .bd-header a:hover', tags, words)
    assert not selector_possible("html .carousel-item", tags, words)
    assert not selector_possible("table td", tags, words)
    assert selector_possible(".tooltip.show:not(.fade)", tags, words)
    css = ("@font-face{font-family:x;src:url(x.woff2)}.carousel{color:red}"
           "@media (min-width:960px){.carousel{color:red}.bd-header{color:blue}}"
           "@media print{.carousel{display:none}}:root{--pst-x:1px}")
    kept = reduced_stylesheet(css, tags, words)
    assert "@font-face" in kept and ":root" in kept and ".bd-header" in kept
    assert "carousel" not in kept and "print" not in kept


def test_an_unknown_icon_is_a_clear_error():
    with pytest.raises(ValueError, match="fa-no-such-icon"):
        icon_codepoints(THEME_CSS.read_text(encoding="utf-8"), ["sun", "no-such-icon"])



# ------------------------------------------------------------------------------ the templates


def _lines(text: str) -> list[str]:
    """Template lines without Jinja comments, blank lines or runs of spaces."""
    while "{#" in text:
        start = text.index("{#")
        text = text[:start] + text[text.index("#}", start) + 2:]
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_the_theme_templates_we_replace_have_not_moved_on():
    """The copies in page_weight_templates/ differ from the installed theme's files only by
    what they leave out (the icon script, the preloads, the search scripts), by the
    stylesheets' names (basic.css linked directly, not through theme.css's @import) and by
    the index's and search page's descriptions: a theme upgrade that changes the originals
    fails here."""
    theme = THEME_CSS.parents[2]
    ours = _lines((TEMPLATES / "static" / "webpack-macros.html").read_text(encoding="utf-8"))
    theirs = _lines((theme / "static" / "webpack-macros.html").read_text(encoding="utf-8"))
    renamed = [line.replace("styles/pydata-sphinx-theme.css", "styles/book-theme.css")
               .replace("styles/theme.css", "basic.css") for line in theirs]
    dropped = [line for line in renamed if line not in ours]
    assert all("fontawesome.js" in line or 'rel="preload"' in line or line.startswith("<!--")
               or "Pre-loaded" in line or "custom icons" in line or "AUTO-GENERATED" in line
               or "These are re-used" in line or line == "-->" for line in dropped), dropped
    assert [line for line in ours if line not in renamed] == []
    layout = _lines((theme / "layout.html").read_text(encoding="utf-8"))
    block = layout[layout.index("{%- block extrahead %}") + 1:layout.index("{%- endblock extrahead %}")]
    kept = _lines((TEMPLATES / "layout.html").read_text(encoding="utf-8"))
    kept = kept[kept.index("{%- block extrahead %}") + 1:kept.index("{%- endblock extrahead %}")]
    assert [line for line in block if line not in kept] == [
        "{% if pagename == 'search' %}", "{% else %}",
        "<script src=\"{{ pathto('_static/searchtools.js', 1) | e }}\"></script>",
        "<script src=\"{{ pathto('_static/language_data.js', 1) | e }}\"></script>",
        "<script src=\"{{ pathto('searchindex.js', 1) | e }}\"></script>", "{% endif %}"]
    added = [line for line in kept if line not in block]
    assert [line.split(" content=")[0] for line in added] == [
        '{%- if pagename == "genindex" %}', '<meta name="description"',
        '{%- elif pagename == "search" %}', '<meta name="description"'], added
    # The search page: the theme's search scripts, in its order, deferred.
    search = _lines((theme / "search.html").read_text(encoding="utf-8"))
    scripts = search[search.index("{% block scripts -%}") + 1:search.index("{%- endblock scripts %}")]
    ours = _lines((TEMPLATES / "search.html").read_text(encoding="utf-8"))
    deferred = ours[ours.index("{% block scripts -%}") + 1:ours.index("{%- endblock scripts %}")]
    assert scripts[0] == "{{ super() }}" and deferred[:3] == [
        "{%- for js in script_files %}", "{{ js_tag(js) }}", "{%- endfor %}"]
    assert deferred[3:] == [line.replace("<script src=", "<script defer src=") for line in scripts[1:]]


def test_in_process_the_site_gets_the_cut_stylesheet_and_icon_font_and_not_the_theme_s(tmp_path, rootdir):
    """book_extensions.page_weight on tests/roots/test-page-weight (one page in the book's
    theme): the page links the cut stylesheet, which ends with the subset icon font; the
    theme's stylesheet and icon script are not shipped; the search index loads on the
    search page only."""
    import shutil

    from sphinx.testing.util import SphinxTestApp

    shutil.copytree(rootdir / "test-page-weight", tmp_path / "book")
    app = SphinxTestApp("html", srcdir=tmp_path / "book")
    try:
        app.build()
    finally:
        app.cleanup()
    site = Path(app.outdir)
    static = site / "_static"
    page = (site / "index.html").read_text(encoding="utf-8")
    assert STYLESHEET in page and "pydata-sphinx-theme.css" not in page and "fontawesome" not in page
    assert not (static / "styles" / "pydata-sphinx-theme.css").exists()
    assert not (static / "scripts" / "fontawesome.js").exists()
    cut = (static / STYLESHEET).read_text(encoding="utf-8")
    assert ".bd-article" in cut and len(cut) < THEME_CSS.stat().st_size / 3
    assert cut.rstrip().endswith('src:url(../book-icons.woff2) format("woff2")}')
    drawn = set(icon_codepoints(THEME_CSS.read_text(encoding="utf-8"))) & set(TTFont(str(THEME_FONT)).getBestCmap())
    assert drawn and drawn == set(TTFont(str(static / ICON_FONT)).getBestCmap())  # (brand icons: not solid)
    assert "searchindex.js" not in page and "searchindex.js" in (site / "search.html").read_text(encoding="utf-8")
