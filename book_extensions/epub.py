"""The EPUB edition (Sphinx's ``epub`` builder, checked by epubcheck): its metadata from the
book's own settings (``title``, ``author``, ``language``, ``book_version``,
``book_epub_name``; its date through ``SOURCE_DATE_EPOCH``, see
:mod:`book_extensions.reproducible`), no scripts (code the web pages hide behind a toggle
is printed open), and the file published next to the web pages, where the landing page
links to it (:mod:`book_extensions.editions`).
"""

import uuid
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx import addnodes

from .editions import publish
from .reproducible import normalise_zip

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"
#: The licence line of the PDF's title page, for the e-book's rights statement.
LICENCE = "Text, figures and data: CC BY 4.0; code: MIT."
NOT_PACKED_STYLES = ("_static/mystnb.",)


def epub_metadata(config) -> dict:
    """The ``epub_*`` settings (and Sphinx's ``version``) derived from the book's own."""
    name = config.book_epub_name
    if not name.endswith(".epub") or "/" in name:
        raise ValueError(f"_config.yml: book_epub_name = {name!r} should be a file name "
                         "ending in .epub, e.g. als-scan-v-cloudflare.epub")
    basename = name[: -len(".epub")]
    # The same identifier for every edition of the book (dcterms:modified tells editions
    # apart), derived from the file name. Sphinx writes it both as the identifier and as
    # an XML id (which allows no ":" or "/"), and epubcheck wants the two to be equal.
    identifier = f"{basename}-{uuid.uuid5(uuid.NAMESPACE_URL, basename)}"
    title = config.html_title or config.project
    return {
        "version": config.book_version,
        "release": config.book_version,
        "epub_basename": basename,
        "epub_title": title,
        "epub_contributor": config.author,  # Sphinx's epub_author and epub_publisher are the author already
        "epub_language": config.language or "en",
        "epub_copyright": f"{config.copyright} {config.author}. {LICENCE}",
        "epub_description": f"{title}, version {config.book_version}.",
        "epub_identifier": identifier,
        "epub_uid": identifier,
        # The previews' scripts are never packed (Sphinx leaves .js files out of an
        # EPUB), so neither are their licence files.
        "epub_exclude_files": [f"_static/vendor/{p.name}" for p in sorted(VENDOR.iterdir())
                               if p.suffix != ".js"],
        "epub_show_urls": "no",  # links stay links; no addresses printed after them
    }


def _epub_settings(app, config) -> None:
    if config.book_epub_name:
        for key, value in epub_metadata(config).items():
            setattr(config, key, value)


def _for_the_e_book(app, doctree, docname) -> None:
    """In the EPUB: hidden code printed open, without the toggle; no script that sphinx-thebe
    puts in the page; and the landing page's tables of contents shown (they are hidden on
    the web, where the sidebar lists the chapters, and Sphinx builds the e-book's own table
    of contents from them as the page is written)."""
    if app.builder.name != "epub":
        return
    for toggle in list(doctree.findall(HideCodeCellNode)):
        toggle.replace_self(toggle.children)
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and raw.astext().lstrip().startswith("<script"):
            raw.parent.remove(raw)
    for toctree in doctree.findall(addnodes.toctree):
        toctree["hidden"] = False


def _epub_page(app, pagename, templatename, context, doctree) -> None:
    """An e-book page loads no script (run after every extension has added its own), and
    not myst-nb's stylesheet: written only after Sphinx has packed the EPUB, it would be
    missing from it, and its modern CSS is more than EPUB readers (and epubcheck) take."""
    if app.builder.name != "epub":
        return
    context["script_files"] = []
    context["css_files"] = [css for css in context.get("css_files", [])
                            if not str(getattr(css, "filename", css)).startswith(NOT_PACKED_STYLES)]


def _no_stale_styles(app) -> None:
    """myst-nb writes its stylesheet after the e-book is packed (see :func:`_epub_page`); a
    copy an earlier build left in the folder would be packed (``--all``) and fail epubcheck."""
    for stale in (Path(app.outdir) / "_static").glob("mystnb.*.css") if app.builder.name == "epub" else ():
        stale.unlink()


def _publish_epub(app, exception) -> None:
    """Fix the archive's dates, then put the EPUB next to the web pages."""
    if exception is None and app.builder.name == "epub":
        normalise_zip(Path(app.outdir) / app.config.book_epub_name)
        publish(app, app.config.book_epub_name)


def setup(app):
    app.setup_extension("book_extensions.editions")  # declares book_epub_name, links the file
    app.connect("config-inited", _epub_settings)
    app.connect("builder-inited", _no_stale_styles)
    app.connect("doctree-resolved", _for_the_e_book, priority=600)  # after sphinx-thebe
    app.connect("html-page-context", _epub_page, priority=990)
    app.connect("build-finished", _publish_epub)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
