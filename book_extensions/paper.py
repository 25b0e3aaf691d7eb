"""The PDF edition (sphinx-simplepdf's ``simplepdf`` builder, typeset by WeasyPrint): its
covers and file name, PDF/UA-1 tags, dates and author from the edition rather than the
clock, no links into the build folder (the table of contents heading and download links
kept as text), tables set for paper (``paper_static/book-paper.css``; tables of
:data:`WIDE_TABLE` columns or more marked ``wide-table``), and the file published next to
the web pages.

Its own fonts: ``paper_static/book-pdf-fonts.css`` names each font file, and the build stops,
naming the Debian package, when a file it names is missing. Without the check WeasyPrint
would quietly fall back on whatever fonts a machine has, or print empty boxes, and the PDF
would differ from one machine to the next. Both sheets are added to the PDF build only.
"""

from html import escape
from pathlib import Path
from urllib.parse import unquote, urlparse

import tinycss2
from docutils import nodes
from sphinx import addnodes

from .editions import publish

STATIC = Path(__file__).resolve().parent / "paper_static"
TEMPLATES = Path(__file__).resolve().parent / "paper_templates"
COVERS = Path(__file__).resolve().parent / "pdf_templates"  # the title page and back cover
STYLESHEET = "book-paper.css"
FONTS = STATIC / "book-pdf-fonts.css"
PACKAGES = Path(__file__).resolve().parents[1] / "scripts" / "debian-packages.txt"
#: WeasyPrint's own name for PDF/UA-1 (tags on, PDF 1.7, title in the XMP metadata).
PDF_VARIANT = ["--pdf-variant", "pdf/ua-1"]
WIDE_TABLE = 6  # columns


def _pdf_settings(app, config) -> None:
    flags = list(getattr(config, "simplepdf_weasyprint_flags", None) or [])
    if "--pdf-variant" not in flags:
        config.simplepdf_weasyprint_flags = [*flags, *PDF_VARIANT]
    # The table of contents without a link to the page itself (paper_templates/).
    config.templates_path = [*config.templates_path, str(COVERS), str(TEMPLATES)]
    config.simplepdf_sidebars = {"**": ["paper-toc.html"]}
    config.simplepdf_file_name = config.book_pdf_name
    shown = {name: config.myst_substitutions[name] for name in ("book_version", "book_date", "book_facts_as_of",
                                                                 "book_site")}  # as editions reads them
    config.html_context = {**(config.html_context or {}), **shown,  # what the covers print
                           "book_title": config.html_title, "book_editors": config.author}


def font_files(css: str) -> list[Path]:
    """The local files that the ``@font-face`` rules of ``css`` load, in order."""
    files = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if getattr(rule, "lower_at_keyword", None) != "font-face":
            continue
        for token in rule.content or []:
            url = token.value if token.type == "url" else \
                token.arguments[0].value if token.type == "function" and token.lower_name == "url" else None
            if url and urlparse(url).scheme == "file":
                files.append(Path(unquote(urlparse(url).path)))
    return files


def _paper_styles(app) -> None:
    if app.builder.name != "simplepdf":
        return
    missing = [path for path in font_files(FONTS.read_text(encoding="utf-8")) if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"the PDF edition's font {missing[0]} is missing; install the book's Debian packages "
            f"with `bash scripts/system-packages.sh build` (listed in {PACKAGES.name})")
    # paper_static/ is the PDF's own folder: the site and the EPUB never copy these sheets.
    app.config.html_static_path = [*app.config.html_static_path, str(STATIC)]
    app.add_css_file(FONTS.name)
    app.add_css_file(STYLESHEET)


def pdf_metatags(book_date: str, editors: str) -> str:
    """The ``<meta>`` elements WeasyPrint turns into the PDF's dates and author."""
    return "".join(f'<meta name="{name}" content="{escape(value)}">\n' for name, value in (
        ("dcterms.created", book_date), ("dcterms.modified", book_date), ("author", editors)))


def _pdf_metadata(app, pagename, templatename, context, doctree) -> None:
    if app.builder.name == "simplepdf" and pagename == app.config.root_doc:
        context["metatags"] = context.get("metatags", "") + pdf_metatags(
            app.config.book_date, app.config.author)


def _for_paper(app, doctree, docname) -> None:
    """Tables of :data:`WIDE_TABLE` columns or more marked as wide; download links (to
    files next to the web pages, which a PDF would turn into links into the build folder)
    kept as their text."""
    if app.builder.name != "simplepdf":
        return
    for group in doctree.findall(nodes.tgroup):
        if group.get("cols", 0) >= WIDE_TABLE and isinstance(group.parent, nodes.table):
            group.parent["classes"].append("wide-table")
    for download in list(doctree.findall(addnodes.download_reference)):
        download.replace_self(download.children)


def _publish_pdf(app, exception) -> None:
    if exception is None and app.builder.name == "simplepdf":
        publish(app, app.config.book_pdf_name)


def setup(app):
    app.setup_extension("book_extensions.editions")  # declares the book_* settings
    app.connect("config-inited", _pdf_settings)
    app.connect("builder-inited", _paper_styles)
    app.connect("html-page-context", _pdf_metadata)
    app.connect("doctree-resolved", _for_paper)
    app.connect("build-finished", _publish_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
