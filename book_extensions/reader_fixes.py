"""A Sphinx extension with the repairs the built pages need for readers and screen readers.

Registered in ``_config.yml`` (``sphinx: extra_extensions``). Each repair answers a
failure that the browser tests (``tests/test_browser.py``) found on a fresh site:

1. **Bibliography list semantics.** docutils writes a citation list as
   ``<div role="list">`` whose entries carry ``role="doc-biblioentry"``, a role that
   DPUB-ARIA 1.1 deprecated and that is not a list item, so axe-core reports
   ``aria-required-children`` (critical) on the bibliography. The book's HTML
   visitor for citations (``app.add_node(..., override=True)``) writes the entries
   as ``role="listitem"``: the list is then a list of items, as the markup means.
2. **Labels that hide visible text.** myst-nb labels the "Show code cell source"
   toggle ``aria-label="Toggle hidden content"``, so a speech-input user who says the
   words on screen hits nothing (WCAG 2.5.3, axe ``label-content-name-mismatch``,
   serious). The book's visitor for myst-nb's hidden cells writes the summary without
   the label, named by its visible text; in the PDF edition (``simplepdf``), where
   paper has no toggle to press, the cell is printed open, without the summary. The
   theme's search field and colour-mode button have the same fault; they are fixed by
   the templates in ``book_extensions/templates/``, which this extension puts
   first on the template path.
3. **Drawers that stay open.** On a phone the theme's contents drawers stayed over the
   page after a reader tapped a section in them; ``static/reader-nav.js``, added to every
   page, closes a drawer when a link in it is tapped (the header's sizes and the controls
   hidden on phones are in ``static/reader.css``).
4. **Scripts added twice.** sphinx-thebe and sphinx-togglebutton add inline scripts
   (``const THEBE_JS_URL = ...``) once more when Sphinx re-registers assets, and the
   second ``const`` throws "Identifier has already been declared" on every page. Each
   script is kept once, the first time it appears.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
NAV_SCRIPT = "reader-nav.js"


def visit_citation(self, node) -> None:
    """docutils' ``visit_citation`` (0.21), with ``role="listitem"`` for each entry."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def visit_hidden_cell(self, node) -> None:
    """myst-nb's ``visit_HideCellInput`` (1.4), without the label that hides the visible
    text; printed open, without a toggle, in the PDF edition."""
    classes = " ".join(node["classes"])
    if self.builder.name == "simplepdf":
        self.body.append(f'<details class="admonition hide {classes}" open>\n')
        return
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n'
                     f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n'
                     f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n'
                     "</summary>\n")


def unique_scripts(scripts) -> list:
    """``scripts`` (Sphinx's ``_JavaScript`` assets) without repeats, first one kept.

    Two assets are the same script when they load the same file, or carry the same
    inline body, with the same attributes (Sphinx itself sees ``None`` and ``""`` as two
    different file names, which is how the repeats slip through).
    """
    seen, kept = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (getattr(script, "filename", script) or "",
               tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _config_inited(app, config) -> None:
    # Absolute paths are kept as they are by Sphinx's template loader.
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_js_file(NAV_SCRIPT, loading_method="defer")


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = unique_scripts(context["script_files"])


def setup(app):
    app.add_node(nodes.citation, override=True,
                 html=(visit_citation, HTMLTranslator.depart_citation))
    app.setup_extension("myst_nb")  # its hidden-cell node, whose visitor is replaced here
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context, priority=900)  # after the other extensions
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
