"""Every chapter with code ran cleanly in the shared strict build (tests/conftest.py):
one test per chapter reads what the build executed (its jupyter-cache) instead of running
the chapter a second time. That a failing cell stops the build naming the chapter and the
cell is tested on a trimmed book (tests/test_failures.py)."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, page_source, toc_files

PAGES = toc_files()
NOTEBOOKS = [p for p in PAGES if "```{code-cell}" in page_source(p).read_text(encoding="utf-8")]
# What a Python warning looks like when it leaks into a cell's output.
WARNING_TEXT = re.compile(r"\b\w*Warning\b[:(]|warnings\.warn")


@pytest.fixture(scope="module")
def executed(built_book) -> dict:
    """Each chapter's executed notebook, as the shared build stored it in jupyter-cache."""
    from jupyter_cache import get_cache

    cache = get_cache(str(built_book / "_build" / ".jupyter_cache"))
    runs = {}
    for record in cache.list_cache_records():
        page = record.uri[len(str(built_book)) + 1:].rsplit(".", 1)[0]
        runs[page] = cache.get_cache_bundle(record.pk).nb
    return runs


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_chapter_declares_the_python3_kernel(page):
    text = page_source(page).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---", 2)[1]) if text.startswith("---") else {}
    assert (front.get("kernelspec") or {}).get("name") == "python3", \
        f"{page}: front matter must declare kernelspec name python3"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_chapter_ran_without_errors_stderr_or_warnings(executed, page):
    assert page in executed, f"{page}: the build did not execute it"
    cells = [c for c in executed[page].cells if c.cell_type == "code"]
    assert cells and all(c.get("execution_count") for c in cells), f"{page}: not every cell ran"
    for number, cell in enumerate(cells, 1):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            assert output.get("output_type") != "error", \
                f"{page}: code cell {number} raised {output.get('ename')}: {output.get('evalue')}"
            assert output.get("name") != "stderr" and not WARNING_TEXT.search(text), \
                f"{page}: code cell {number} wrote to stderr or warned:\n{text}"


def test_every_chapter_with_code_is_tested():
    # Guards the collection above: a page with code cells must not slip through.
    assert NOTEBOOKS, "no executable chapter found in _toc.yml"
    for path in (ROOT / "chapters").glob("*.md"):
        page = f"chapters/{path.stem}"
        if "```{code-cell}" in path.read_text(encoding="utf-8"):
            assert page in PAGES, f"{page} has code cells but is not in _toc.yml"
