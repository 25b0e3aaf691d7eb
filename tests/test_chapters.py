"""Execute every page in _toc.yml for real, one test per page, naming the failing cell."""

from __future__ import annotations

import re

import jupytext
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import ROOT, copy_book, page_source, toc_files

PAGES = toc_files()
NOTEBOOKS = [p for p in PAGES if "```{code-cell}" in page_source(p).read_text(encoding="utf-8")]
# What a Python warning looks like when it leaks into a cell's output.
WARNING_TEXT = re.compile(r"\b\w*Warning\b[:(]|warnings\.warn")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return copy_book(tmp_path_factory.mktemp("chapters") / "book")


def test_toc_lists_existing_pages():
    for page in PAGES:
        page_source(page)  # raises FileNotFoundError naming the page when it has no source


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_chapter_executes(book, page):
    path = page_source(page, book)
    notebook = jupytext.read(path)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{page}: front matter must declare kernelspec name python3"
    )
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as err:
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                pytest.fail(f"{page}: code cell {index} ({first!r}) raised:\n{err}", pytrace=False)
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.get("output_type") == "stream" else ""
                if output.get("name") == "stderr" or WARNING_TEXT.search(text):
                    pytest.fail(f"{page}: code cell {index} wrote to stderr or warned:\n{text}",
                                pytrace=False)


def test_every_chapter_with_code_is_tested():
    # Guards the collection above: a page with code cells must not slip through.
    assert NOTEBOOKS, "no executable chapter found in _toc.yml"
    for path in (ROOT / "chapters").glob("*.md"):
        page = f"chapters/{path.stem}"
        if "```{code-cell}" in path.read_text(encoding="utf-8"):
            assert page in PAGES, f"{page} has code cells but is not in _toc.yml"
