"""The PDF edition's own fonts: ``paper_static/book-pdf-fonts.css`` names each font file, and
this extension adds that sheet to the PDF build (only there: the web pages never load it)
and stops the build, naming the Debian package, when a file it names is missing. Without
the check WeasyPrint would quietly fall back on whatever fonts a machine has, or print
empty boxes, and the PDF would differ from one machine to the next.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import tinycss2

STYLESHEET = Path(__file__).resolve().parent / "paper_static" / "book-pdf-fonts.css"
PACKAGES = Path(__file__).resolve().parents[1] / "scripts" / "debian-packages.txt"


def font_files(css: str) -> list[Path]:
    """The local files that the ``@font-face`` rules of ``css`` load, in order."""
    files = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        for token in rule.content or []:
            url = token.value if token.type == "url" else \
                token.arguments[0].value if token.type == "function" and token.lower_name == "url" else None
            if url and urlparse(url).scheme == "file":
                files.append(Path(unquote(urlparse(url).path)))
    return files


def missing_fonts(css: str) -> list[Path]:
    return [path for path in font_files(css) if not path.is_file()]


def _use_book_fonts(app) -> None:
    if app.builder.name != "simplepdf":
        return
    missing = missing_fonts(STYLESHEET.read_text(encoding="utf-8"))
    if missing:
        raise FileNotFoundError(
            f"the PDF edition's font {missing[0]} is missing; install the book's Debian packages "
            f"with `bash scripts/system-packages.sh build` (listed in {PACKAGES.name})")
    # paper_static/ is the PDF's own folder: the site and the EPUB never copy this sheet.
    if str(STYLESHEET.parent) not in app.config.html_static_path:
        app.config.html_static_path = [*app.config.html_static_path, str(STYLESHEET.parent)]
    app.add_css_file(STYLESHEET.name)


def setup(app):
    app.connect("builder-inited", _use_book_fonts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
