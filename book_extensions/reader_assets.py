"""What each page loads of the reader's own scripts and styles (all in ``static/``), and
of the other extensions' files.

- On every page: ``reader.css`` (the book's styles), ``tables.js`` (long table cells
  folded behind a "more" toggle), ``chart-zoom.js`` (every chart opens full size) and
  ``reader-nav.js`` (on a phone, a contents drawer closes when a link in it is tapped),
  given to Sphinx as ``html_css_files``/``html_js_files``.
- On pages with a sortable table only: ``sortable-table.js`` and ``.css``. A table gets
  sortable headings and a filter box when it carries the class ``sortable-table`` (for
  example ``:class: sortable-table`` on a ``list-table``); without JavaScript it stays a
  plain, captioned HTML table.
- Not on a page that does not use them: sphinx-design's files where the page has none of
  its components, sphinx-thebe's everywhere (no live code cells: launch_buttons.thebe is off).
- Each script once: sphinx-thebe and sphinx-togglebutton add inline scripts (``const
  THEBE_JS_URL = ...``) once more when Sphinx re-registers assets, and the second ``const``
  threw "Identifier has already been declared" on every page.
- Script files run deferred, in their order, after the page is parsed, so that they do not
  hold up its first paint (all but ``documentation_options.js``, which the inline settings
  after it need); on the search page the search scripts and index too
  (``page_weight_templates/search.html``).

(The previews' and the search page's files in ``static/`` are added by
:mod:`book_extensions.previews` and :mod:`book_extensions.search_ranking`.)
"""

from pathlib import Path

from docutils import nodes

STATIC = Path(__file__).resolve().parent / "static"
EVERY_PAGE_CSS = ["reader.css"]
EVERY_PAGE_JS = ["tables.js", "chart-zoom.js", "reader-nav.js"]
CLASS = "sortable-table"
SCRIPT = "sortable-table.js"
STYLES = "sortable-table.css"
DESIGN_FILES = {"_static/sphinx-design.min.css", "_static/design-tabs.js"}
THEBE_FILES = {"_static/sphinx-thebe.css", "_static/sphinx-thebe.js"}
#: Runs before the inline settings that follow it (``DOCUMENTATION_OPTIONS.pagename = ...``).
BLOCKING = {"_static/documentation_options.js"}


def has_sortable_table(doctree) -> bool:
    """Whether ``doctree`` holds a table with the class ``sortable-table``."""
    return doctree is not None and any(
        CLASS in table["classes"] for table in doctree.findall(nodes.table))


def uses_sphinx_design(doctree) -> bool:
    """Whether the page holds sphinx-design's cards, grids, tabs or badges."""
    return doctree is not None and any(
        name.startswith("sd-") for node in doctree.findall(nodes.Element) for name in node.get("classes", []))


def unique_scripts(scripts) -> list:
    """``scripts`` (Sphinx's ``_JavaScript`` assets) without repeats, first one kept.

    Two assets are the same script when they load the same file, or carry the same
    inline body, with the same attributes (Sphinx itself sees ``None`` and ``""`` as two
    different file names, which is how the repeats slip through).
    """
    seen, kept = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "",
               tuple(sorted((k, str(v)) for k, v in (getattr(script, "attributes", {}) or {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _config_inited(app, config) -> None:
    # Absolute paths are kept as they are; the files land in the build's _static/.
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.html_css_files = [*config.html_css_files, *EVERY_PAGE_CSS]
    config.html_js_files = [*config.html_js_files, *((name, {"defer": "defer"}) for name in EVERY_PAGE_JS)]


def _sortable_tables(app, pagename, templatename, context, doctree) -> None:
    if has_sortable_table(doctree):
        # Called during html-page-context, these add the files to this page only.
        app.add_js_file(SCRIPT)
        app.add_css_file(STYLES)


def _page_files(app, pagename, templatename, context, doctree) -> None:
    """The page's files without those it does not use, each script once, deferred."""
    unused = set() if uses_sphinx_design(doctree) else set(DESIGN_FILES)
    if not ((app.config.html_theme_options or {}).get("launch_buttons") or {}).get("thebe"):
        unused |= THEBE_FILES
    for key in ("css_files", "script_files"):
        context[key] = [asset for asset in context.get(key, []) if getattr(asset, "filename", None) not in unused]
    scripts = context["script_files"] = unique_scripts(context["script_files"])
    for index, script in enumerate(scripts):
        name, attributes = getattr(script, "filename", None), getattr(script, "attributes", None)
        if name and attributes is not None and name not in BLOCKING and not {"defer", "async"} & attributes.keys():
            scripts[index] = type(script)(name, priority=script.priority, **attributes, defer="defer")


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _sortable_tables)
    app.connect("html-page-context", _page_files, priority=900)  # after the other extensions add theirs
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
