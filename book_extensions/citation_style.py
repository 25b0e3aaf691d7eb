"""Bibliography entries labelled the way the text cites them: "TorrentFreak, 2018a".

The text uses sphinxcontrib-bibtex's author-year citations, but pybtex's stock styles
label the bibliography list [1], [2], ... so a reader cannot match a citation to its
entry by eye. This registers a pybtex formatting style, ``author_year_labels``: the
usual alphabetical ``plain`` layout with author-year labels built from the same fields
the citations use (organisation authors are written in braces in references.bib).

It also gives each bibliography entry a line "Cited in:" with links back to the pages
that cite it, so the bibliography is not a dead end (sphinxcontrib-bibtex has no option
for this; it does record every citation, which is what the links are made from).
"""

from __future__ import annotations

import codecs
import html
import re

import latexcodec  # noqa: F401  (registers the "ulatex" codec pybtex itself uses)
from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
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


# A bibliography entry as sphinxcontrib-bibtex writes it, with the id that
# ``bibtex_cite_id`` ("src-{bibliography_count}-{key}") gives it.
_ENTRY = re.compile(r'(<div class="citation" id="src-\d+-(?P<key>[^"]+)"[^>]*>.*?</p>)(\s*</div>)',
                    re.DOTALL)


def add_backlinks(body: str, citing: dict[str, list[tuple[str, str]]]) -> str:
    """``body`` with a "Cited in:" line closing each entry whose key ``citing`` maps to
    the (title, address) of the pages that cite it."""
    def entry(match):
        pages = citing.get(match["key"], [])
        if not pages:
            return match.group(0)
        links = ", ".join(f'<a href="{html.escape(uri)}">{html.escape(title)}</a>'
                          for title, uri in pages)
        return f'{match.group(1)}\n<p class="cited-in">Cited in: {links}</p>{match.group(3)}'

    return _ENTRY.sub(entry, body)


def citing_pages(app, pagename: str) -> dict[str, list[tuple[str, str]]]:
    """For each source key, the pages citing it, as (title, address relative to
    ``pagename``), the introduction first and then in file order."""
    docs: dict[str, set[str]] = {}
    for ref in app.env.get_domain("cite").citation_refs:
        for target in ref.targets:
            docs.setdefault(target.key.lower(), set()).add(ref.docname)
    order = lambda docname: (docname != app.config.root_doc, docname)  # noqa: E731
    return {key: [(app.env.titles[d].astext(), app.builder.get_relative_uri(pagename, d))
                  for d in sorted(names, key=order) if d != pagename]
            for key, names in docs.items()}


def _bibliography_backlinks(app, pagename, templatename, context, doctree) -> None:
    if "body" in context and 'class="citation" id="src-' in context["body"]:
        context["body"] = add_backlinks(context["body"], citing_pages(app, pagename))


def setup(app):
    # The pybtex styles are registered at import, before sphinxcontrib-bibtex reads them.
    app.connect("html-page-context", _bibliography_backlinks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
