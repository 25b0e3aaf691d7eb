"""The PDF edition as a document (book_extensions/paper.py), read from the PDF the README's
second command made in the one shared build: tagged (PDF/UA-1), in English, a bookmark for
every chapter and section, dated by the edition, and its tables set so that nothing is
lost or cut off.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
import yaml
from bs4 import BeautifulSoup

from book_extensions.paper import pdf_metatags

from conftest import PDF_GROUP, ROOT, toc_files

SETTINGS = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
NUMBER = re.compile(r"^(\d+\.)+\s*")  # "5.6. " before a numbered heading
MARGIN = 36  # points: no word of a table may reach the outer half inch of the page


# One worker reads the PDF for all of them (tests/conftest.py, ``pdf_reader``).
pytestmark = pytest.mark.xdist_group(PDF_GROUP)


def _outline(reader) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(" ".join(NUMBER.sub("", item.title).split()))

    walk(reader.outline)
    return titles


def _heading(tag) -> str:
    return " ".join(NUMBER.sub("", tag.get_text().replace("#", "").strip()).split())


def test_pdf_is_tagged_for_accessibility_and_declares_its_language(pdf_reader):
    catalog = pdf_reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "no structure tree: the PDF is not tagged"
    assert catalog["/StructTreeRoot"].get_object()["/K"], "an empty structure tree"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def test_pdf_has_a_bookmark_for_every_chapter_and_section(pdf_reader, html):
    outline = set(_outline(pdf_reader))
    missing = []
    for page in toc_files():
        soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        for heading in soup.select("article h1, article section > h2"):
            if _heading(heading) not in outline:
                missing.append(f"{page}: {_heading(heading)}")
    assert not missing, f"headings without a bookmark: {missing}"


def test_pdf_is_dated_by_the_edition_and_names_its_editors(pdf_reader):
    info = pdf_reader.metadata
    day = SETTINGS["book_date"].replace("-", "")
    assert info["/CreationDate"].startswith(f"D:{day}") and info["/ModDate"].startswith(f"D:{day}")
    assert info["/Author"] == yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["author"]
    assert '<meta name="dcterms.created" content="2026-12-03">' in pdf_metatags("2026-12-03", "A & B")
    assert 'content="A &amp; B"' in pdf_metatags("2026-12-03", "A & B")


def _squeezed(text: str) -> str:
    """Text without spaces, line breaks and hyphens (which a hyphenated cell adds)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-\u00ad\u2010")


def _pdftotext(path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=300).stdout


def test_pdf_tables_lose_nothing_and_run_off_no_page(pdf, pdf_pages):
    single = BeautifulSoup((pdf.book / "_build" / "simplepdf" / "intro.html").read_text(encoding="utf-8"),
                           "html.parser")
    table = single.select_one("table#tbl-precedents")
    assert table is not None and "wide-table" in table["class"], "the precedents table is not set as wide"
    caption = " ".join(table.select_one(".caption-number").get_text().split())
    first = next((n for n, text in enumerate(pdf_pages, start=1) if caption in " ".join(text.split())), None)
    assert first, f"{caption} not found in the PDF"
    # Every word on the table's pages, where poppler found it (in points).
    layout = BeautifulSoup(_pdftotext(pdf.path, "-bbox", "-f", str(first), "-l", str(first + 30)),
                           "html.parser")
    words, outside = [], []
    for page in layout.select("page"):
        right = float(page["width"]) - MARGIN
        for word in page.select("word"):
            words.append(word.get_text())
            if float(word["xmax"]) > right or float(word["xmin"]) < MARGIN:
                outside.append(word.get_text())
    assert not outside, f"words in the outer margin or off the page: {outside[:10]}"
    # Nothing lost, word by word (cells sit side by side, so a cell's words are not in one
    # run of text); a word broken at the end of a line, hyphenated or not, is found as
    # its two pieces.
    text, pieces = _squeezed(" ".join(words)), {_squeezed(w) for w in words}

    def found(word: str) -> bool:
        word = _squeezed(word)
        return word in text or any(word[:k] in pieces and word[k:] in pieces for k in range(1, len(word)))

    cells = [" ".join(cell.get_text(" ").split()) for cell in table.select("td")]
    lost = [word for cell in cells for word in cell.split() if not found(word)]
    assert not lost, f"{len(lost)} words of {caption}'s cells missing from the PDF, e.g. {lost[:10]}"


def test_pdf_links_to_no_edition_file(pdf):
    single = (pdf.book / "_build" / "simplepdf" / "intro.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(single, "html.parser")
    assert not soup.select("a.pdf-edition, a.epub-edition")


def test_pdf_has_no_link_into_the_build_folder(pdf_reader):
    local = [annotation.get_object()["/A"]["/URI"] for page in pdf_reader.pages
             for annotation in page.get("/Annots") or []
             if str(annotation.get_object().get("/A", {}).get("/URI", "")).startswith("file:")]
    assert not local, f"{len(local)} links to files on the build machine, e.g. {local[:3]}"
