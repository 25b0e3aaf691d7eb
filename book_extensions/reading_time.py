"""A reading time under the title of every reading page (a page with Key points).

The words are the page's prose as parsed, not its code, tables, raw HTML or bracketed
citations, at a steady reading speed. Counted at every read of the page, so the time
follows the text and is never typed.
"""

import re

from docutils import nodes
from sphinx import addnodes

from .editions import after_title

#: Words a minute of attentive reading of explanatory prose.
WORDS_PER_MINUTE = 230

# A word: letters or digits, with the apostrophes, hyphens and points inside it
# ("Ninth Circuit's", "2:16-cv-05051", "U.S." each count once).
_WORD = re.compile(r"[^\W_](?:[\w'’.:§-]*[^\W_])?")


def count_words(text: str) -> int:
    """The words in ``text``; punctuation and dashes standing alone are not words."""
    return len(_WORD.findall(text))


def reading_minutes(words: int, per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes to read ``words`` words, rounded to the nearest, and at least one."""
    return max(1, int(words / per_minute + 0.5))


def reading_time_label(words: int) -> str:
    """The line under a page's title: "Reading time: about 8 minutes"."""
    minutes = reading_minutes(words)
    return f"Reading time: about {minutes} minute{'' if minutes == 1 else 's'}"



#: The title of the admonition that marks a reading page.
KEY_POINTS = "Key points"
SKIPPED = (nodes.literal_block, nodes.raw, nodes.table, nodes.comment, nodes.math_block,
           nodes.system_message)


def _not_read(node: nodes.Node) -> bool:
    """Code, tables, raw HTML and the like, and bracketed citations (cite references)."""
    return isinstance(node, SKIPPED) or (isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite")


def prose_words(doctree: nodes.document) -> int:
    """The words a reader reads on the page (its title included)."""
    skipped = {id(text) for node in doctree.findall(_not_read) for text in node.findall(nodes.Text)}
    return sum(count_words(text.astext()) for text in doctree.findall(nodes.Text) if id(text) not in skipped)


def _has_key_points(doctree: nodes.document) -> bool:
    return any(title.astext() == KEY_POINTS and isinstance(title.parent, nodes.admonition)
               for title in doctree.findall(nodes.title))


def _add_reading_time(app, doctree: nodes.document) -> None:
    if _has_key_points(doctree):
        after_title(doctree, nodes.paragraph("", reading_time_label(prose_words(doctree)), classes=["reading-time"]))


def setup(app):
    app.connect("doctree-read", _add_reading_time)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
