"""Light pages: what a reader's phone downloads and runs before it can show a page
(issue 21; the editing guide's "The page budget" says what a page may weigh and how to
measure it with ``scripts/lighthouse.py``).

- **The theme's stylesheet, only what the site uses.** pydata-sphinx-theme's 400 KB
  stylesheet (Bootstrap, every Font Awesome icon) blocks the first paint, and the book's
  pages use a tenth of it. After the build, :func:`reduced_stylesheet` keeps the rules
  whose selectors can match something: every tag, class and id of the built pages, plus
  every word of the scripts the pages run (the classes scripts add: tooltips, open
  dialogs, ``show``); states (``:hover``, ``[data-theme=dark]``) always count as possible.
  The result is ``_static/styles/book-theme.css``, which ``page_weight_templates/static/
  webpack-macros.html`` links instead of the theme's file (not shipped).
- **Icons** from a subset of the theme's Font Awesome font holding only the book's icons
  (:data:`ICONS` and the theme's own ``--pst-icon-*`` icons), ``_static/book-icons.woff2``,
  declared at the end of ``book-theme.css``; the theme's 1.5 MB icon script is neither
  loaded (the same template) nor shipped.
- **Previews load on demand.** Popper, tippy.js and the page's tips (sphinx-tippy's
  per-page script) are not in the page; ``static/book-previews.js`` loads them the first
  time a reader points at, focuses or taps a link in the article.
- **Glossary entries with several terms** ("CDN", "content delivery network"): every term
  previews the whole entry (sphinx-tippy gives the definition to the entry's last term only).
- **Scripts do not hold up the first paint**: script files run deferred, in their order,
  after the page is parsed (all but ``documentation_options.js``, which the inline settings
  after it need); on the search page the search scripts and index too
  (``page_weight_templates/search.html``). The search index loads on the search page only
  (``page_weight_templates/layout.html``).
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pydata_sphinx_theme
import tinycss2
from docutils import nodes
from fontTools import subset
from sphinx import addnodes

TEMPLATES = Path(__file__).resolve().parent / "page_weight_templates"
THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
THEME_CSS = THEME_STATIC / "styles" / "pydata-sphinx-theme.css"
THEME_FONT = THEME_STATIC / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
STYLESHEET = "styles/book-theme.css"  # under _static/, linked by page_weight_templates/static/webpack-macros.html
ICON_FONT = "book-icons.woff2"
#: The Font Awesome icons (``fa-NAME`` classes) that the theme's templates and scripts put on
#: the book's pages: header buttons, sidebars, Prev/Next, the search dialog. A test checks
#: that every ``fa-*`` class of the built site is here.
ICONS = ("angle-left", "angle-right", "arrow-up", "bars", "circle-half-stroke", "download",
         "expand", "file", "file-pdf", "list", "magnifying-glass", "moon", "sun", "xmark")
#: The theme's files that the book's pages no longer load, left out of the site.
UNUSED = ("scripts/fontawesome.js", "scripts/fontawesome.js.map", "scripts/fontawesome.js.LICENSE.txt",
          "styles/pydata-sphinx-theme.css", "styles/pydata-sphinx-theme.css.map")
#: Runs before the inline settings that follow it (``DOCUMENTATION_OPTIONS.pagename = ...``).
BLOCKING = {"_static/documentation_options.js"}
ICON_FACE = """
/* The book's icons: a subset of the solid face above (book_extensions/page_weight.py). */
@font-face{font-display:block;font-family:"Font Awesome 6 Free";font-style:normal;font-weight:900;
src:url(../book-icons.woff2) format("woff2")}
"""


# --------------------------------------------------------------------------- the stylesheet


class _Names(HTMLParser):
    """The tag names, classes and ids of the pages it is fed."""

    def __init__(self):
        super().__init__()
        self.tags, self.classes, self.ids = set(), set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(value.split())
            elif name == "id" and value:
                self.ids.add(value)


_FUNCTIONAL = re.compile(r":{1,2}[\w-]+\([^()]*\)")  # :not(.x), :is(...), ::part(...)
_STATE = re.compile(r":{1,2}[\w-]+|\[[^\]]*\]")       # :hover, ::before, [data-theme=dark]
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_COMPOUND = re.compile(r"^(?P<tag>\*|[A-Za-z][\w-]*)?(?P<rest>.*)$", re.S)
_PART = re.compile(r"([.#])((?:[\w-]|\\.)+)")


def selector_possible(selector: str, tags: set, words: set) -> bool:
    """Whether ``selector`` can match: each of its compound parts names only tags and
    classes or ids in ``tags`` and ``words``. States and attributes always can; a selector
    this cannot read (escapes, odd syntax) counts as possible."""
    while _FUNCTIONAL.search(selector):
        selector = _FUNCTIONAL.sub("", selector)
    selector = _STATE.sub("", selector).strip()
    for compound in filter(None, _COMBINATOR.split(selector)):
        match = _COMPOUND.match(compound)
        tag, rest = match["tag"], match["rest"]
        if tag and tag != "*" and tag.lower() not in tags:
            return False
        parts = _PART.findall(rest)
        if "".join(kind + name for kind, name in parts) != rest:
            return True  # something this does not read: keep the rule
        if any("\\" not in name and name not in words for _, name in parts):
            return False
    return True


def reduced_stylesheet(css: str, tags: set, words: set) -> str:
    """``css`` with only the rules that can match (see :func:`selector_possible`); at-rules
    other than ``@media`` and ``@supports`` (fonts, keyframes) are kept as they are."""

    def keep(rules) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = tinycss2.serialize(rule.prelude).split(",")
                if any(selector_possible(s, tags, words) for s in selectors):
                    kept.append(rule.serialize())
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") \
                    and rule.content is not None:
                inner = keep(tinycss2.parse_rule_list(rule.content, True, True))
                if inner:
                    kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
            elif rule.type == "at-rule":
                kept.append(rule.serialize())
        return kept

    return "".join(keep(tinycss2.parse_stylesheet(css, True, True)))


def site_names(site: Path) -> tuple[set, set]:
    """The tags of the site's pages, and the classes and ids of its pages plus every word
    in the scripts of its ``_static/`` (the classes that scripts add to a page)."""
    parser = _Names()
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).parts[0] not in ("_sources", "_downloads"):
            parser.feed(page.read_text(encoding="utf-8"))
    words = parser.classes | parser.ids
    for script in sorted((site / "_static").rglob("*.js")):
        if "tippy" in script.relative_to(site / "_static").parts[:1]:
            continue  # the previews' data: page text, not scripts
        words |= set(re.findall(r"[A-Za-z_][\w-]*", script.read_text(encoding="utf-8", errors="replace")))
    return parser.tags, words


# --------------------------------------------------------------------------- icons


def _rules(rules):
    """Every qualified rule of a parsed stylesheet, inside at-rules (``@media``) too."""
    for rule in rules:
        if rule.type == "at-rule" and rule.content is not None:
            yield from _rules(tinycss2.parse_rule_list(rule.content, True, True))
        elif rule.type == "qualified-rule":
            yield rule


def icon_codepoints(css: str, icons=ICONS) -> set[int]:
    """The characters that draw ``icons`` (rules ``.fa-NAME:before``) and the theme's own
    icons (custom properties ``--pst-icon-*``) in the theme's stylesheet ``css``."""
    wanted = {f".fa-{name}:before" for name in icons} | {f".fa-{name}::before" for name in icons}
    found, codepoints = set(), set()
    for rule in _rules(tinycss2.parse_stylesheet(css, True, True)):
        selectors = {part.strip() for part in tinycss2.serialize(rule.prelude).split(",")}
        for declaration in tinycss2.parse_declaration_list(rule.content, True, True):
            if declaration.type != "declaration":
                continue
            strings = [token.value for token in declaration.value if token.type == "string"]
            if declaration.name.startswith("--pst-icon-") or (
                    declaration.name == "content" and selectors & wanted):
                codepoints |= {ord(char) for text in strings for char in text}
                found |= selectors & wanted
    missing = sorted(name for name in icons
                     if not {f".fa-{name}:before", f".fa-{name}::before"} & found)
    if missing:
        raise ValueError(f"{THEME_CSS}: no icon fa-{missing[0]} in the theme's stylesheet "
                         "(book_extensions/page_weight.py, ICONS)")
    return codepoints


def write_icon_font(target: Path, codepoints: set[int], source: Path = THEME_FONT) -> None:
    """The theme's solid icon font cut down to ``codepoints``, as WOFF2, at ``target``."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def _finish(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    site = Path(app.outdir)
    static = site / "_static"
    for name in UNUSED:  # first: the icon script's words are not classes the pages use
        (static / name).unlink(missing_ok=True)
    css = THEME_CSS.read_text(encoding="utf-8")
    tags, words = site_names(site)
    # Both files follow from the theme's stylesheet and the site's names alone: a build
    # that changed neither (most rebuilds) keeps them, saving two seconds of CSS parsing.
    inputs = hashlib.sha256("\0".join([css, ICON_FACE, *ICONS, *sorted(tags), "\0",
                                        *sorted(words)]).encode()).hexdigest()
    made = Path(app.doctreedir) / "page-weight-inputs"
    if (made.is_file() and made.read_text() == inputs and (static / ICON_FONT).is_file()
            and (static / STYLESHEET).is_file()):
        return
    write_icon_font(static / ICON_FONT, icon_codepoints(css))
    (static / STYLESHEET).write_text(reduced_stylesheet(css, tags, words) + ICON_FACE, encoding="utf-8")
    made.write_text(inputs)


# --------------------------------------------------------------------------- previews


def shared_entries(doctree) -> list[list[str]]:
    """The ids of the terms of each glossary entry that has more than one term."""
    entries = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            ids = [term["ids"][0] for term in item.findall(nodes.term) if term["ids"]]
            if len(ids) > 1:
                entries.append(ids)
    return entries


def _whole_glossary_entries(app, pagename, templatename, context, doctree) -> None:
    """Every term of an entry previews the entry: all its terms, then its definition.
    sphinx-tippy (priority 450) gives each term its ``<dt>`` plus the ``<dd>`` that follows
    it, so only an entry's last term had the definition; the entry is their sum."""
    tips = getattr(app.env, "tippy_data", {}).get("pages", {}).get(pagename, {}).get("id_to_html")
    if doctree is None or not tips:
        return
    for ids in shared_entries(doctree):
        if all(term in tips for term in ids):
            whole = "".join(tips[term] for term in ids)
            for term in ids:
                tips[term] = whole


def _lazy_previews(app, pagename, templatename, context, doctree) -> None:
    """The previews' scripts (Popper, tippy.js, the page's tips) leave the page; their
    addresses go to ``book-previews.js``, which loads them when a reader first needs one."""
    vendored = {f"_static/{name}" for name in app.config.tippy_js}
    scripts = context.get("script_files", [])
    lazy = [script for script in scripts if (name := getattr(script, "filename", None) or "")
            and (name in vendored or name.startswith("_static/tippy/"))]
    if not lazy:
        return
    scripts[:] = [script for script in scripts if script not in lazy]
    urls = [context["pathto"](script.filename, resource=True) for script in lazy]
    app.add_js_file(None, body=f"window.bookPreviewScripts = {json.dumps(urls)};")


# --------------------------------------------------------------------------- scripts


def uses_sphinx_design(doctree) -> bool:
    """Whether the page holds sphinx-design's cards, grids, tabs or badges."""
    return doctree is not None and any(
        name.startswith("sd-") for node in doctree.findall(nodes.Element)
        for name in node.get("classes", []))


def _unused_files(app, pagename, templatename, context, doctree) -> None:
    """Stylesheets and scripts a page does not use leave it: sphinx-design's where the page
    has none of its components, sphinx-thebe's (no live code cells: launch_buttons.thebe
    is off)."""
    unused = set()
    if not uses_sphinx_design(doctree):
        unused |= {"_static/sphinx-design.min.css", "_static/design-tabs.js"}
    launch = (app.config.html_theme_options or {}).get("launch_buttons") or {}
    if not launch.get("thebe"):
        unused |= {"_static/sphinx-thebe.css", "_static/sphinx-thebe.js"}
    for key in ("css_files", "script_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key]
                               if getattr(asset, "filename", None) not in unused]


def _deferred_scripts(app, pagename, templatename, context, doctree) -> None:
    """Script files run after the page is parsed, in their order (``defer``)."""
    scripts = context.get("script_files", [])
    for index, script in enumerate(scripts):
        name, attributes = getattr(script, "filename", None), getattr(script, "attributes", None)
        if name and attributes is not None and name not in BLOCKING \
                and not {"defer", "async"} & attributes.keys():
            scripts[index] = type(script)(name, priority=script.priority, **attributes, defer="defer")


def _templates(app, config) -> None:
    # First on the template path (absolute; reproducible makes it relative to the book).
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def setup(app):
    app.connect("config-inited", _templates)
    app.connect("html-page-context", _whole_glossary_entries, priority=455)  # after sphinx-tippy
    app.connect("html-page-context", _lazy_previews, priority=480)  # after reproducible's names
    app.connect("html-page-context", _unused_files, priority=840)
    app.connect("html-page-context", _deferred_scripts, priority=850)
    app.connect("build-finished", _finish)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
