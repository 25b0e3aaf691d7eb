"""A reading time under the title of every reading page (a page with Key points).

The words are the page's prose as parsed, not its code, tables, raw HTML or bracketed
citations; :mod:`als_explainer.reading` turns them into minutes. Counted at every read
of the page, so the time follows the text and is never typed.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from als_explainer.reading import count_words, reading_time_label

#: The title of the admonition that marks a reading page.
KEY_POINTS = "Key points"
SKIPPED = (nodes.literal_block, nodes.raw, nodes.table, nodes.comment, nodes.math_block,
           nodes.system_message)


def _counted(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, SKIPPED):
            return False
        if isinstance(parent, addnodes.pending_xref) and parent.get("refdomain") == "cite":
            return False
        parent = parent.parent
    return True


def prose_words(doctree: nodes.document) -> int:
    """The words a reader reads on the page (its title included)."""
    return sum(count_words(text.astext()) for text in doctree.findall(nodes.Text)
               if _counted(text))


def _has_key_points(doctree: nodes.document) -> bool:
    return any(title.astext() == KEY_POINTS and isinstance(title.parent, nodes.admonition)
               for title in doctree.findall(nodes.title))


def _add_reading_time(app, doctree: nodes.document) -> None:
    if not _has_key_points(doctree):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    line = nodes.paragraph("", reading_time_label(prose_words(doctree)),
                           classes=["reading-time"])
    section.insert(1, line)


def setup(app):
    app.connect("doctree-read", _add_reading_time)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
