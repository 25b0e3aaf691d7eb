"""Tables for the page, generated from data, with every row's sources cited.

A DataFrame rendered as HTML cannot carry ``{cite}`` roles, so these helpers write a
MyST Markdown table instead; the book renders Markdown outputs as MyST
(``nb_render_markdown_format: myst``), so the citations link to the bibliography.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ")


def cite(keys: str) -> str:
    """A MyST citation for one key or several separated by ';'."""
    parts = [k.strip() for k in str(keys).split(";") if k.strip()]
    return "{cite:p}`" + ",".join(parts) + "`" if parts else ""


def cited_table(frame: pd.DataFrame, columns: dict[str, str], source: str | None = "source",
                sortable: bool = False) -> Markdown:
    """A Markdown table of ``columns`` (data column -> header), with a Sources column.

    ``sortable`` gives it the class ``sortable-table``: in the browser,
    ``_static/sortable-table.js`` adds sortable headings and a filter box.
    """
    headers = list(columns.values()) + (["Source"] if source else [])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for _, row in frame.iterrows():
        cells = [_cell(row[c]) for c in columns]
        if source:
            cells.append(cite(row[source]))
        lines.append("| " + " | ".join(cells) + " |")
    if sortable:  # a pipe table cannot carry a class; the table directive can
        lines = ["````{table}", ":class: sortable-table", "", *lines, "````"]
    return Markdown("\n".join(lines))
