"""Bibliography entries labelled the way the text cites them: "TorrentFreak, 2018a".

The text uses sphinxcontrib-bibtex's author-year citations, but pybtex's stock styles
label the bibliography list [1], [2], ... so a reader cannot match a citation to its
entry by eye. This registers a pybtex formatting style, ``author_year_labels``: the
usual alphabetical ``plain`` layout with author-year labels built from the same fields
the citations use (organisation authors are written in braces in references.bib).

It also gives each bibliography entry a line "Cited in:" with links back to the pages
that cite it, so the bibliography is not a dead end (sphinxcontrib-bibtex has no option
for this; it does record every citation, which is what the links are made from), and
makes every web address in an entry a link (a note naming the copy read: "Copy read: a
repost, https://...").
"""

import codecs
import re

import latexcodec  # noqa: F401  (registers the "ulatex" codec pybtex itself uses)
from docutils import nodes
from pybtex.plugin import find_plugin, register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, optional, optional_field, sentence
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

STYLE = "author_year_labels"
_URL = re.compile(r"(https?://[^\s<>]+[^\s<>.,;:)])")  # one group: re.split keeps the addresses


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
        return map(author_year_label, sorted_entries)


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


def linked(text: str) -> list[nodes.Node]:
    """``text`` as Text nodes, with every web address in it made a link."""
    parts = _URL.split(text)  # the addresses at the odd places
    return [nodes.reference(part, part, refuri=part) if index % 2 else nodes.Text(part)
            for index, part in enumerate(parts) if part]


register_plugin("pybtex.style.labels", "author_year_labels", AuthorYearLabels)
register_plugin("pybtex.style.sorting", "by_label", ByLabel)
register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)


class CitedIn(SphinxPostTransform):
    """A "Cited in:" line closing each bibliography entry, linking the pages that cite
    it (the introduction first, then in file order). It runs after
    sphinxcontrib-bibtex has made the entries (priority 5) and before Sphinx resolves
    references (10), so each link is resolved for the builder at hand."""

    default_priority = 6

    def run(self, **kwargs) -> None:
        domain = self.env.get_domain("cite")
        keys = {citation.citation_id: citation.key.lower() for citation in domain.citations}
        citing: dict[str, set[str]] = {}
        for ref in domain.citation_refs:
            for target in ref.targets:
                citing.setdefault(target.key.lower(), set()).add(ref.docname)
        first = lambda docname: (docname != self.config.root_doc, docname)  # noqa: E731
        for entry in self.document.findall(nodes.citation):
            for text in list(entry.findall(nodes.Text)):  # addresses in notes, as links
                if _URL.search(text) and not isinstance(text.parent, nodes.reference):
                    index = text.parent.index(text)
                    text.parent[index:index + 1] = linked(str(text))
            pages = sorted(citing.get(keys.get((entry["ids"] or [""])[0]), set()) - {self.env.docname},
                           key=first)
            if not pages:
                continue
            line = nodes.paragraph("", "Cited in: ", classes=["cited-in"])
            for number, docname in enumerate(pages):
                link = addnodes.pending_xref("", nodes.inline("", self.env.titles[docname].astext()),
                                             refdomain="std", reftype="doc", refexplicit=True,
                                             reftarget=f"/{docname}", refdoc=self.env.docname)
                line += [nodes.Text(", "), link] if number else [link]
            entry += line


def _depends_on_the_bibliography(app, docname, source) -> None:
    """Every page is read again when a bibliography file changes: sphinxcontrib-bibtex
    does not mark the pages that cite an edited source as outdated. Re-reading costs
    little (a chapter's code runs again only if its own inputs changed)."""
    for name in app.config.bibtex_bibfiles:
        app.env.note_dependency(name)


def _plugins_found_once(app, config) -> None:
    """sphinxcontrib-bibtex looks up a few pybtex plugins for every citation, and pybtex
    answers each look-up by scanning every installed package's entry points (about 15 ms
    each, some 10 s of a full build) unless the plugin was registered at run time. So
    each one is found once and registered with pybtex's public ``register_plugin``."""
    for group, name in PLUGINS_LOOKED_UP:
        register_plugin(group, name, find_plugin(group, name), force=True)


#: (group, name) of the pybtex plugins looked up for every citation.
PLUGINS_LOOKED_UP = [("pybtex.backends", "plaintext"), ("pybtex.backends", "docutils"),
                     ("pybtex.style.names", "plain"), ("pybtex.style.formatting", "plain")]


def setup(app):
    # The pybtex styles are registered at import, before sphinxcontrib-bibtex reads them.
    app.add_post_transform(CitedIn)
    app.connect("source-read", _depends_on_the_bibliography)
    app.connect("config-inited", _plugins_found_once)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
