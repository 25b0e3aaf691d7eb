"""Bibliography entries labelled the way the text cites them: "TorrentFreak, 2018a".

The text uses sphinxcontrib-bibtex's author-year citations, but pybtex's stock styles
label the bibliography list [1], [2], ... so a reader cannot match a citation to its
entry by eye. This registers a pybtex formatting style, ``author_year_labels``: the
usual alphabetical ``plain`` layout with author-year labels built from the same fields
the citations use (organisation authors are written in braces in references.bib).
"""

from __future__ import annotations

import codecs

import latexcodec  # noqa: F401  (registers the "ulatex" codec pybtex itself uses)
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.formatting import toplevel
from pybtex.style.template import field, optional, optional_field, sentence

STYLE = "author_year_labels"


def _plain(text: str) -> str:
    """LaTeX in a bib field as a reader sees it: braces gone, \\& and \\S decoded."""
    return codecs.decode(text, "ulatex").replace("{", "").replace("}", "").replace("\u00a0", " ")


def author_year_label(entry) -> str:
    """"Author, year" for one pybtex entry, as author-year citations render it."""
    people = entry.persons.get("author", [])
    if not people:
        who = _plain(entry.fields.get("organization", entry.key))
    else:
        last = [_plain(" ".join(p.last_names) or " ".join(p.first_names)) for p in people]
        who = last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2 \
            else f"{last[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield author_year_label(entry)


class ByLabel(BaseSortingStyle):
    """Alphabetical by label, so organisations and people interleave as a reader expects."""

    def sorting_key(self, entry):
        return author_year_label(entry).casefold()


class AuthorYearStyle(PlainStyle):
    default_label_style = "author_year_labels"
    default_sorting_style = "by_label"

    def get_misc_template(self, e):
        # The source's own address first, then the note, which names the copy that was
        # read when it was not the original ("Copy read: a repost, https://...").
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[optional[field("howpublished")], optional[date]],
            self.format_web_refs(e),
            sentence[optional_field("note")],
        ]


register_plugin("pybtex.style.labels", "author_year_labels", AuthorYearLabels)
register_plugin("pybtex.style.sorting", "by_label", ByLabel)
register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)


def setup(app):
    # Registration happens at import, before sphinxcontrib-bibtex reads its style.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
