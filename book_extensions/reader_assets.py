"""The reader's own scripts and styles, all in ``static/``, added where they are needed.

- On every page: ``reader.css`` (the book's styles), ``tables.js`` (long table cells
  folded behind a "more" toggle) and ``chart-zoom.js`` (every chart opens full size),
  given to Sphinx as ``html_css_files``/``html_js_files``, as Jupyter Book gives the
  files of ``_static/``.
- On pages with a sortable table only: ``sortable-table.js`` and ``.css``. A table gets
  sortable headings and a filter box when it carries the class ``sortable-table`` (for
  example ``:class: sortable-table`` on a ``list-table``); without JavaScript it stays a
  plain, captioned HTML table.

(The previews' and the search page's files in ``static/`` are added by
:mod:`book_extensions.editions` and :mod:`book_extensions.search_ranking`.)
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

STATIC = Path(__file__).resolve().parent / "static"
EVERY_PAGE_CSS = ["reader.css"]
EVERY_PAGE_JS = ["tables.js", "chart-zoom.js"]
CLASS = "sortable-table"
SCRIPT = "sortable-table.js"
STYLES = "sortable-table.css"


def has_sortable_table(doctree) -> bool:
    """Whether ``doctree`` holds a table with the class ``sortable-table``."""
    return doctree is not None and any(
        CLASS in table["classes"] for table in doctree.findall(nodes.table))


def _config_inited(app, config) -> None:
    # Absolute paths are kept as they are; the files land in the build's _static/.
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.html_css_files = [*config.html_css_files, *EVERY_PAGE_CSS]
    config.html_js_files = [*config.html_js_files, *EVERY_PAGE_JS]


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    if has_sortable_table(doctree):
        # Called during html-page-context, these add the files to this page only.
        app.add_js_file(SCRIPT)
        app.add_css_file(STYLES)


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_assets)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
