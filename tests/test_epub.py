"""The EPUB edition (book_extensions/epub.py), as the README's third build command made it
in the one shared build: it passes epubcheck, carries the book's metadata, every chapter,
the numbered figures, the glossary and the bibliography, and no script or code toggle.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup

from book_extensions.epub import epub_metadata
from book_extensions.reproducible import normalise_zip, source_date_epoch

from conftest import ROOT, toc_files

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
SETTINGS = CONFIG["sphinx"]["config"]
#: Debian's epubcheck (scripts/test.sh installs it); /usr/bin/epubcheck is this jar, which
#: only runs directly where the kernel hands jars to Java, so the tests call Java.
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
#: Java's quick compiler only: a check of a few seconds never gains from the optimising one,
#: which took half of its CPU time (12 s of CPU against 6).
JAVA_SHORT_RUN = "-XX:TieredStopAtLevel=1"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def epub(shared_epub) -> Path:
    assert shared_epub.returncode == 0, shared_epub.log[-8000:]
    assert "Executing notebook" not in shared_epub.log, "the EPUB build re-ran chapters"
    path = shared_epub.book / "_build" / "epub" / SETTINGS["book_epub_name"]
    assert path.is_file(), f"no {path.name} written"
    return path


@pytest.fixture(scope="module")
def pages(epub) -> dict[str, BeautifulSoup]:
    """Every XHTML page of the EPUB, by its name inside the archive."""
    with zipfile.ZipFile(epub) as archive:
        return {name: BeautifulSoup(archive.read(name), "html.parser")
                for name in archive.namelist() if name.endswith(".xhtml")}


def _opf(epub: Path) -> ElementTree.Element:
    with zipfile.ZipFile(epub) as archive:
        return ElementTree.fromstring(archive.read("content.opf"))


def test_epub_passes_epubcheck_without_a_single_message(epub, tmp_path):
    if not (EPUBCHECK.is_file() and shutil.which("java")):
        message = "epubcheck or Java is missing; scripts/test.sh installs both (Debian's epubcheck)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    report = tmp_path / "epubcheck.json"
    result = subprocess.run(["java", JAVA_SHORT_RUN, "-jar", str(EPUBCHECK), str(epub), "--json", str(report)],
                            capture_output=True, text=True, timeout=600)
    checker = json.loads(report.read_text(encoding="utf-8"))["checker"]
    counts = {key: checker[key] for key in ("nFatal", "nError", "nWarning")}
    assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, \
        f"epubcheck: {counts}\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
    assert result.returncode == 0


def test_epub_metadata_are_the_books_own(epub):
    metadata = _opf(epub).find("opf:metadata", OPF)

    def dc(name: str) -> str:
        return metadata.find(f"dc:{name}", OPF).text

    assert dc("title") == CONFIG["title"]
    assert dc("creator") == CONFIG["author"]
    assert dc("language") == "en"
    assert dc("date").startswith(SETTINGS["book_date"])
    modified = [m.text for m in metadata.findall("opf:meta", OPF) if m.get("property") == "dcterms:modified"]
    assert modified and modified[0].startswith(SETTINGS["book_date"])
    versions = [m.text for m in metadata.findall("opf:meta", OPF) if m.get("property") == "ibooks:version"]
    assert versions == [SETTINGS["book_version"]]
    assert "unknown" not in {dc(name) for name in ("description", "contributor", "identifier")}


def test_epub_metadata_come_from_one_place_and_refuse_a_bad_name():
    config = SimpleNamespace(book_epub_name="book.epub", html_title="T", project="P", author="Eds",
                             language=None, copyright="2026", book_version="2026.12")
    settings = epub_metadata(config)
    assert (settings["epub_basename"], settings["epub_title"], settings["epub_language"]) == ("book", "T", "en")
    assert settings["epub_uid"] == settings["epub_identifier"]  # epubcheck compares the NCX's uid
    with pytest.raises(ValueError, match="book_epub_name"):
        epub_metadata(SimpleNamespace(**{**vars(config), "book_epub_name": "book.pdf"}))


def test_epub_has_every_chapter_in_its_table_of_contents_and_reading_order(epub, pages):
    nav = pages["nav.xhtml"]
    listed = {a["href"].split("#")[0] for a in nav.select("nav a[href]")}
    expected = {f"{page}.xhtml" for page in toc_files()}
    assert expected <= listed, f"missing from the table of contents: {sorted(expected - listed)}"
    package = _opf(epub)
    hrefs = {item.get("id"): item.get("href") for item in package.iter(f"{{{OPF['opf']}}}item")}
    spine = [hrefs[ref.get("idref")] for ref in package.iter(f"{{{OPF['opf']}}}itemref")]
    in_book_order = [href for href in spine if href in expected]
    assert in_book_order == [f"{page}.xhtml" for page in toc_files()], "reading order differs from _toc.yml"


def test_epub_figures_are_numbered_captioned_and_described(pages, html):
    site = [" ".join(n.get_text().split()) for p in toc_files()
            for n in BeautifulSoup((html / f"{p}.html").read_text(encoding="utf-8"), "html.parser")
            .select("article figure .caption-number")]
    figures = [f for name, soup in sorted(pages.items()) for f in soup.select("figure")]
    numbers = [" ".join(f.select_one(".caption-number").get_text().split())
               for f in figures if f.select_one(".caption-number")]
    assert site and sorted(numbers) == sorted(site), (numbers, site)
    for figure in figures:
        image = figure.select_one("img")
        assert image is not None and len(image.get("alt", "")) > 20, f"figure without alt text: {figure}"
        assert figure.select_one("figcaption"), f"figure without a caption: {image['src']}"


def test_epub_has_glossary_and_bibliography_and_no_scripts_or_toggles(pages):
    assert pages["chapters/95-glossary.xhtml"].select("dl.glossary dt")
    assert len(pages["chapters/99-bibliography.xhtml"].select("div.citation")) > 50
    for name, soup in pages.items():
        assert not soup.select("script, details, button, summary"), f"{name}: a script or a toggle"
        assert "Show code cell" not in soup.get_text(), name
        assert not soup.select("a.pdf-edition, a.epub-edition"), f"{name}: links to files outside the EPUB"


def test_epub_is_published_next_to_the_site_and_the_landing_page_link_works(epub, html):
    landing = BeautifulSoup((html / "intro.html").read_text(encoding="utf-8"), "html.parser")
    link = landing.select_one("p.book-edition a.epub-edition")
    assert link is not None and link.get_text() == "The whole book as an EPUB e-book"
    assert link.find_previous_sibling("a")["class"][0] == "pdf-edition", "not next to the PDF"
    assert (html / link["href"]).read_bytes() == epub.read_bytes()


def test_the_epub_archive_has_fixed_dates_and_mimetype_first(epub, tmp_path):
    with zipfile.ZipFile(epub) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    # The same archive written at another time, then normalised, is byte-identical.
    copy = tmp_path / "copy.epub"
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, (2030, 5, 6, 7, 8, 10)), source.read(info),
                            compress_type=info.compress_type)
    normalise_zip(copy)
    assert copy.read_bytes() == epub.read_bytes()


def test_source_date_epoch_is_the_editions_date():
    assert source_date_epoch("2026-12-03") == 1796256000  # 3 December 2026, 00:00 UTC
    assert source_date_epoch("2026-12") == source_date_epoch("2026-12-01")
