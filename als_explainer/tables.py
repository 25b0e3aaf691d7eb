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

from .data import is_blank, split_keys


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


def cite(keys) -> str:
    """A MyST citation for one key or several separated by ';' (empty for none)."""
    parts = split_keys(keys)
    return "{cite:p}`" + ",".join(parts) + "`" if parts else ""


def cited_table(frame: pd.DataFrame, columns: dict[str, str], source: str | None = "source",
                markup: tuple[str, ...] = (), sortable: bool = False) -> Markdown:
    """A Markdown table of ``columns`` (data column -> header), with a Sources column.

    Columns named in ``markup`` hold Markdown made by code and are not escaped.
    ``sortable`` gives the table the class ``sortable-table``, so the
    ``book_extensions.sortable_tables`` extension adds sortable headings and a filter box.
    """
    headers = list(columns.values()) + (["Source"] if source else [])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for _, row in frame.iterrows():
        cells = [escape(row[c], markup=c in markup) for c in columns]
        if source:
            cells.append(cite(row[source]))
        lines.append("| " + " | ".join(cells) + " |")
    if sortable:  # a pipe table cannot carry a class; the table directive can
        lines = ["````{table}", ":class: sortable-table", "", *lines, "````"]
    return Markdown("\n".join(lines))
