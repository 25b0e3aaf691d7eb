"""A Sphinx extension that adds the sort-and-filter script only to pages that need it.

A table gets sortable headings and a filter box in the browser when it carries the class
``sortable-table`` (for example ``:class: sortable-table`` on a ``list-table``). The
script and its styles (``static/sortable-table.js`` and ``.css``) are added to exactly the
pages whose doctree holds such a table, so every other page loads nothing extra. Without
JavaScript the table stays a plain, captioned HTML table.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

STATIC = Path(__file__).resolve().parent / "static"
CLASS = "sortable-table"
SCRIPT = "sortable-table.js"
STYLES = "sortable-table.css"


def has_sortable_table(doctree) -> bool:
    """Whether ``doctree`` holds a table with the class ``sortable-table``."""
    return doctree is not None and any(
        CLASS in table["classes"] for table in doctree.findall(nodes.table))


def _config_inited(app, config) -> None:
    # Absolute paths are kept as they are; the files land in the build's _static/.
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    if has_sortable_table(doctree):
        # Called during html-page-context, these add the files to this page only.
        app.add_js_file(SCRIPT)
        app.add_css_file(STYLES)


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
