"""Tables for the page, generated from data, with every row's sources cited.

A DataFrame rendered as HTML cannot carry ``{cite}`` roles, so these helpers write a
MyST Markdown table instead; the book renders Markdown outputs as MyST
(``nb_render_markdown_format: myst``), so the citations link to the bibliography.
:func:`escape` is the one way a data cell becomes table text, here and in every Part's
own tables.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from .data import QUOTE_FIELD, TRANSLATION_MARK, is_blank, split_keys


def escape(value, markup: bool = False) -> str:
    """A cell's text for a Markdown table or list-table item: one line, no stray markup.

    Whitespace (newlines included) collapses to single spaces and ``|`` is escaped, so a
    cell never breaks its row. ``*``, backticks and ``<`` are escaped too, so data text is
    shown as written (``record-<id>`` is not an HTML tag), unless ``markup`` says the value
    is Markdown the code made on purpose (italic case names, bold answers).
    """
    if is_blank(value):
        return ""
    text = " ".join(str(value).split())
    if not markup:
        text = text.replace("*", r"\*").replace("`", r"\`").replace("<", r"\<")
    return text.replace("|", r"\|")


def source_words(value) -> str:
    """A row's ``source_quote`` as readers see it beside the row's sources: short, in
    quotation marks and marked as the source's words (empty for a blank cell)."""
    if is_blank(value):
        return ""
    original, mark, translation = str(value).partition(TRANSLATION_MARK)
    words = f"*In the source's words:* “{escape(original.strip())}”"
    if mark:  # the book's translation stands outside the source's quotation marks
        words += f" {escape(mark + translation)}"
    return words


def cite(keys) -> str:
    """A MyST citation for one key or several separated by ';' (empty for none)."""
    parts = split_keys(keys)
    return "{cite:p}`" + ",".join(parts) + "`" if parts else ""


def cited_table(frame: pd.DataFrame, columns: dict[str, str], source: str | None = "source",
                markup: tuple[str, ...] = (), sortable: bool = False) -> Markdown:
    """A Markdown table of ``columns`` (data column -> header), with a Sources column.

    Columns named in ``markup`` hold Markdown made by code and are not escaped. A frame
    with a ``source_quote`` column shows each row's passage after its citation
    (:func:`source_words`).
    ``sortable`` gives the table the class ``sortable-table``, so the
    ``book_extensions.sortable_tables`` extension adds sortable headings and a filter box.
    """
    headers = list(columns.values()) + (["Source"] if source else [])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for _, row in frame.iterrows():
        cells = [escape(row[c], markup=c in markup) for c in columns]
        if source:
            words = source_words(row.get(QUOTE_FIELD))
            cells.append(cite(row[source]) + (f" {words}" if words else ""))
        lines.append("| " + " | ".join(cells) + " |")
    if sortable:  # a pipe table cannot carry a class; the table directive can
        lines = ["````{table}", ":class: sortable-table", "", *lines, "````"]
    return Markdown("\n".join(lines))
