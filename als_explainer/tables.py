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

#: Readers see words, not codes: the words a table shows for each code of a coded column
#: (the columns' codes are declared in data/datapackage.json). :func:`cited_table` words
#: every column named here, so no table shows "press-summary" or "approximate".
READER_WORDS = {
    "date_precision": {"day": "to the day", "month": "to the month", "approximate": "approximate"},
    "stated_by": {
        "cloudflare": "Cloudflare, in its own text",
        "cloudflare-as-reported": "Cloudflare, as reported by the press",
        "plaintiff-as-reported": "The plaintiff, as reported",
        "industry-via-european-commission": "Industry, as quoted by the European Commission",
        "court-as-reported": "The court, as reported",
        "press-summary": "A press report summarising the source",
        "machine-summary": "A machine-generated summary",
    },
    "agreement": {"single": "One source only", "corroborated": "Confirmed by another source",
                  "disputed": "Another source gives a different value"},
}


def reader_words(column: str, value) -> str:
    """The words a reader sees for ``value`` of the coded ``column`` (:data:`READER_WORDS`);
    a blank stays blank, and a code with no words is an error naming the column and code."""
    if is_blank(value):
        return ""
    words = READER_WORDS[column]
    if value not in words:
        raise ValueError(f"column {column!r}: the code {value!r} has no reader words; "
                         f"add them to READER_WORDS in als_explainer/tables.py")
    return words[value]


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


def cited_table(frame: pd.DataFrame, columns: dict[str, str], caption: str, name: str = "",
                source: str | None = "source", markup: tuple[str, ...] = (),
                sortable: bool = False) -> Markdown:
    """A numbered, captioned Markdown table of ``columns`` (data column -> header), with a
    Sources column.

    Coded columns (:data:`READER_WORDS`) show their words. Columns named in ``markup``
    hold Markdown made by code and are not escaped. A frame with a ``source_quote``
    column shows each row's passage after its citation (:func:`source_words`). ``name``
    is the label ``{numref}`` uses. ``sortable`` gives the table the class
    ``sortable-table``, so ``book_extensions.reader_assets`` adds sortable headings, a
    "Sort by" list and a filter box.
    """
    if not caption.strip():
        raise ValueError(f"a table of {list(columns.values())} needs a caption")
    if "`" in caption:  # a backtick fence's first line cannot hold one (CommonMark)
        raise ValueError(f"the caption {caption!r} holds a backtick; a table's caption cannot")
    headers = list(columns.values()) + (["Source"] if source else [])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for _, row in frame.iterrows():
        cells = [escape(reader_words(c, row[c]) if c in READER_WORDS else row[c], markup=c in markup)
                 for c in columns]
        if source:
            words = source_words(row.get(QUOTE_FIELD))
            cells.append(cite(row[source]) + (f" {words}" if words else ""))
        lines.append("| " + " | ".join(cells) + " |")
    # A pipe table cannot carry a caption, a name or a class; the table directive can.
    options = [f":name: {name}"] * bool(name) + [":class: sortable-table"] * sortable
    caption = " ".join(caption.split())  # written by code or a chapter: Markdown kept
    return Markdown("\n".join([f"````{{table}} {caption}", *options, "", *lines, "````"]))
