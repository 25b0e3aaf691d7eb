"""The book as an edition: its version and date on the landing page (with links to the
PDF and EPUB files published next to the pages), and "facts and law as of" under the
title of each dated chapter. The settings (``book_*`` in ``_config.yml``; the editing guide
says when to change each) are declared here and checked once, when the build starts: a
mistyped date stops it, naming the setting."""

import datetime as dt
import re
import shutil
from fnmatch import fnmatch
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

# How corrections reach the editors while book_contact is empty (the About page), in the
# words of what the repository does have: no address, but its source files and README.
NO_CONTACT = ("send it to the editors through the book's repository, the source files this "
              "site is built from (its README describes them): this edition gives no email "
              "or web address for them.")

#: The edition's settings and their defaults (``_config.yml``, ``sphinx: config:``).
SETTINGS = {"book_version": "", "book_date": "", "book_facts_as_of": "", "book_facts_as_of_pages": {},
            "book_dated_pages": [], "book_contact": "", "book_whats_new_page": "",
            "book_about_page": "", "book_pdf_name": "", "book_epub_name": ""}
#: Classes of the lines under a page's title (here, and reading_time's): not the page's prose.
FURNITURE = {"facts-as-of", "book-edition", "reading-time"}
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def reader_date(value: str, *, setting: str = "book_date") -> str:
    """``2026-12-02`` as "2 December 2026", ``2026-12`` as "December 2026".

    A date an editor mistyped stops the build with the setting's name, rather than
    printing a wrong date under every chapter.
    """
    match = _ISO.match(str(value).strip())
    if not match:
        raise ValueError(f"_config.yml: {setting} = {value!r} is not a date "
                         "(write YYYY-MM-DD, or YYYY-MM when only the month is known)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date = dt.date(year, month, day or 1)
    except ValueError as error:
        raise ValueError(f"_config.yml: {setting} = {value!r}: {error}") from None
    return f"{date.day} {date:%B %Y}" if day else f"{date:%B %Y}"


def facts_as_of(config, docname: str) -> str | None:
    """The "facts and law as of" date of one page, or None when the page carries none."""
    if not any(fnmatch(docname, pattern) for pattern in config.book_dated_pages):
        return None
    pages = config.book_facts_as_of_pages or {}
    if docname in pages:
        return reader_date(pages[docname], setting=f"book_facts_as_of_pages[{docname!r}]")
    return reader_date(config.book_facts_as_of, setting="book_facts_as_of")


def after_title(doctree: nodes.document, new: nodes.Node) -> None:
    """Insert ``new`` right after the page's first title, if it has one."""
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, new)


def _date_lines(app, doctree: nodes.document) -> None:
    config, as_of = app.config, facts_as_of(app.config, app.env.docname)
    if as_of:
        after_title(doctree, nodes.paragraph("", f"Facts and law as of {as_of}. ", _doc_link(
            app, config.book_whats_new_page, "What's new"), classes=["facts-as-of"]))
    if app.env.docname == config.root_doc:
        line = nodes.paragraph(
            "", f"Edition of {reader_date(config.book_date)} (version {config.book_version}). ",
            _doc_link(app, config.book_whats_new_page, "What's new"), nodes.Text(" · "),
            _doc_link(app, config.book_about_page, "Editors, licence and how to cite"), classes=["book-edition"])
        # The PDF and EPUB editions are written next to the web pages by their builds (publish()),
        # so only the web pages link to them: Sphinx keeps an ``only`` node for the HTML builder.
        for name, text, kind in ((config.book_pdf_name, "The whole book as a PDF", "pdf-edition"),
                                 (config.book_epub_name, "The whole book as an EPUB e-book", "epub-edition")):
            if name:
                line += addnodes.only("", nodes.Text(" · "), nodes.reference("", text, refuri=name, classes=[kind]),
                                      expr="builder_html")
        after_title(doctree, line)


def _doc_link(app, target: str, text: str) -> nodes.Node:
    """A cross-reference to another page, resolved when each builder writes (so the
    same doctree links right in the web pages and in the single-file PDF); plain text
    when the page is not in the book (e.g. a test's cut-down copy)."""
    if not target or target not in app.env.found_docs or target == app.env.docname:
        return nodes.Text("")
    return addnodes.pending_xref("", nodes.inline("", text), refdomain="std", reftype="doc", reftarget=f"/{target}",
                                 refexplicit=True, refwarn=True, refdoc=app.env.docname)


def _settings(app, config) -> None:
    """Every date checked once; the settings as MyST substitutions, so pages quote them
    instead of repeating them (and the PDF's covers print them: :mod:`book_extensions.paper`)."""
    for docname, value in (config.book_facts_as_of_pages or {}).items():
        reader_date(value, setting=f"book_facts_as_of_pages[{docname!r}]")
    substitutions = dict(config.myst_substitutions or {})
    substitutions.update({
        "book_version": config.book_version,
        "book_date": reader_date(config.book_date),
        "book_year": str(config.book_date)[:4],
        "book_facts_as_of": reader_date(config.book_facts_as_of, setting="book_facts_as_of"),
        "book_contact": (f"write to the editors at {config.book_contact}." if config.book_contact
                         else NO_CONTACT),
        "book_pdf_name": config.book_pdf_name,
        "book_site": config.html_baseurl,  # none yet: the citation ends with the date
    })
    config.myst_substitutions = substitutions


def publish(app, name: str) -> None:
    """Copy the edition file ``name`` (the PDF, the EPUB) from its builder's folder next to
    the web pages, where the landing page links to it."""
    path, site = Path(app.outdir) / name, Path(app.outdir).parent / "html"
    if path.is_file() and site.is_dir():
        shutil.copyfile(path, site / name)


def setup(app):
    for name, default in SETTINGS.items():
        app.add_config_value(name, default, "env", types=[type(default)])
    app.connect("config-inited", _settings)
    app.connect("doctree-read", _date_lines)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
