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

Two more repairs are files a page loads (:mod:`book_extensions.reader_assets`):
``static/reader-nav.js`` closes a phone's contents drawer when a link in it is tapped, and
scripts that sphinx-thebe and sphinx-togglebutton add twice are kept once.
"""

from html import escape
from pathlib import Path

from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

TEMPLATES = Path(__file__).resolve().parent / "templates"


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


def _config_inited(app, config) -> None:
    # Absolute paths are kept as they are by Sphinx's template loader.
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def setup(app):
    app.add_node(nodes.citation, override=True,
                 html=(visit_citation, HTMLTranslator.depart_citation))
    app.setup_extension("myst_nb")  # its hidden-cell node, whose visitor is replaced here
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.connect("config-inited", _config_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
