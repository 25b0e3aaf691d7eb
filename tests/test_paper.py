"""book_extensions.paper in process, on the two-page book in tests/roots/test-paper: the PDF
edition's settings reach the page sphinx-simplepdf hands to WeasyPrint (wide tables marked,
download links kept as text, no link to the edition files, dates and author from the
edition), the PDF is tagged and published next to the web pages, and a missing font stops
the build naming the command that installs it. The whole book's PDF is checked in
test_pdf_edition.py."""

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError
from sphinx.testing.util import SphinxTestApp

import book_extensions.paper


def build(tmp_path: Path, rootdir: Path) -> Path:
    srcdir = tmp_path / "paper"
    shutil.copytree(rootdir / "test-paper", srcdir)
    (srcdir / "_build" / "html").mkdir(parents=True)  # where publish() puts the PDF
    app = SphinxTestApp("simplepdf", srcdir=srcdir, builddir=srcdir / "_build")
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir)


@pytest.fixture(scope="module")
def paper(tmp_path_factory, rootdir) -> Path:
    return build(tmp_path_factory.mktemp("paper"), rootdir)


def test_the_page_for_weasyprint_is_set_for_paper(paper):
    soup = BeautifulSoup((paper / "index.html").read_text(encoding="utf-8"), "html.parser")
    tables = soup.select("table")
    assert [("wide-table" in t.get("class", [])) for t in tables] == [True, False]  # six columns, then two
    assert not soup.select("a[href*='data.csv']") and "downloaded" in soup.get_text()
    assert not soup.select(".pdf-edition, .epub-edition")  # the files sit next to the web pages only
    meta = {m.get("name"): m.get("content") for m in soup.select("meta[name]")}
    assert meta["dcterms.created"] == meta["dcterms.modified"] == "2026-12-07"
    assert meta["author"] == "The editors of a small edition"
    assert {"book-pdf-fonts.css", "book-paper.css"} <= {Path(link["href"].split("?")[0]).name
                                                         for link in soup.select("link[rel=stylesheet]")}


def test_the_pdf_is_tagged_dated_and_published_next_to_the_pages(paper):
    from pypdf import PdfReader

    pdf = paper / "small.pdf"
    assert (paper.parent / "html" / "small.pdf").read_bytes() == pdf.read_bytes()
    reader = PdfReader(pdf)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # PDF/UA-1: tagged
    assert reader.metadata.author == "The editors of a small edition"
    assert reader.metadata.creation_date.date().isoformat() == "2026-12-07"
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "A wide table" in text and "2026.12.1" in text and "The whole book as" not in text


def test_a_missing_font_stops_the_build_naming_the_command(tmp_path, rootdir, monkeypatch):
    fonts = tmp_path / "fonts.css"
    fonts.write_text('@font-face { font-family: X; src: url("file:///no/such/font.ttf"); }', encoding="utf-8")
    monkeypatch.setattr(book_extensions.paper, "FONTS", fonts)
    with pytest.raises(ExtensionError, match=r"/no/such/font\.ttf is missing.*scripts/system-packages\.sh build"):
        build(tmp_path, rootdir)
    assert not list(tmp_path.rglob("*.pdf"))


def test_font_files_are_the_local_files_of_font_faces():
    css = ('@font-face { font-family: X; src: url("file:///no/such/font.ttf"); }\n'
           '@font-face { font-family: Y; src: url(fonts/packaged.otf); }\n'
           'body { background: url("file:///not/a/font.png"); }')
    assert book_extensions.paper.font_files(css) == [Path("/no/such/font.ttf")]
