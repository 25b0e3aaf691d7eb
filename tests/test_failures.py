"""Broken input fed to the real `jupyter-book build`: the build fails, and its output says
exactly what is wrong and where (file, row and column; chapter and cell; chapter).

Each test builds a scratch copy of the book cut down to the pages that matter, so a
failing build takes seconds. The Data appendix (chapters/90-data) loads every dataset,
so it is the chapter that meets a broken CSV whatever chapters the book has. One broken
CSV goes through a real build; the loader's message for every kind of defect is tested
in process (tests/test_data.py). That a bibliography edit removing a key the data names
runs the chapter again (which then fails with this message) is tested in process in
tests/test_reexecution.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book_builds import build, output, scratch_book, set_toc, write_chapter
from datafiles import read_rows, write_rows

DATA_PAGE = ["chapters/90-data", "chapters/99-bibliography"]
PLAIN_PAGES = ["chapters/95-glossary", "chapters/99-bibliography"]


def first_cell_line(book: Path, page: str, number: int = 1) -> int:
    """The line of the ``number``-th code cell of a chapter, as an editor sees it."""
    lines = (book / f"{page}.md").read_text(encoding="utf-8").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line.startswith("```{code-cell}")]
    return starts[number - 1]


@pytest.fixture
def book(tmp_path) -> Path:
    return scratch_book(tmp_path / "book")


def failed_build(book: Path, **env: str) -> str:
    result = build(book, env=env)
    text = output(result)
    assert result.returncode != 0, f"the build succeeded on broken input:\n{text[-4000:]}"
    return text


# Folders a checkout commonly holds besides the book: a page in any of them must never
# be read (the full .venv/ of the README is in the shared build, tests/test_build.py).
NOT_THE_BOOK = [".venv", "venv", "env", ".tox", "node_modules", "my-env/lib/python3.11/site-packages"]


def test_bad_data_fails_the_build_naming_chapter_cell_file_row_and_column(book):
    # One defect, through a real build: the loader's error stops the build, and the
    # build's last words give the chapter and cell, then the loader's file, row, column
    # and reason. Every other kind of defect (bad date, missing column, unknown value,
    # repeated id, bytes that are not UTF-8...) gets its message from the same loader,
    # tested in process for each kind in tests/test_data.py.
    events = book / "data" / "events.csv"
    rows = read_rows(events)
    rows[5][rows[0].index("source")] = "nosuchsource2099"
    write_rows(events, rows)
    set_toc(book, DATA_PAGE)
    text = failed_build(book)
    message = ('data/events.csv, row 5, column "source": source key "nosuchsource2099" '
               "is not in references.bib")
    line = first_cell_line(book, "chapters/90-data")
    assert f"The build stopped: chapters/90-data.md, code cell 1 (line {line}) raised DataError: " \
           f"{message}" in text, text[-6000:]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_cell_that_raises_fails_naming_chapter_and_cell(book, jobs):
    # With two chapters to run and BOOK_JOBS=2 they run side by side first
    # (book_extensions.parallel_execution); the message must be the same as one by one.
    write_chapter(book, "chapters/zz-fine", "# A chapter that works\n\n```{code-cell} ipython3\n1 + 1\n```\n")
    page = "chapters/zz-broken"
    write_chapter(book, page, """
# A chapter with a bug

```{code-cell} ipython3
totals = {"cloudflare": 1}
```

Some prose between the cells.

```{code-cell} ipython3
totals["steadfast"]
```

```{code-cell} ipython3
print("never reached")
```
""")
    set_toc(book, ["chapters/zz-fine", page])
    text = failed_build(book, BOOK_JOBS=jobs)
    line = first_cell_line(book, page, 2)
    assert f"The build stopped: {page}.md, code cell 2 (line {line}) raised KeyError: 'steadfast'" \
        in text, text[-6000:]
    assert ("Executing notebook (2 at a time)" in text) == (jobs == "2"), "not run side by side"


WRITER = "chapters/zz-writer"
WRITER_BODY = """
# A chapter that writes where it must not

```{code-cell} ipython3
with open("../data/notes.csv", "w") as handle:
    handle.write("id\\n")
```
"""


def test_broken_references_and_a_chapter_writing_into_the_sources_fail_naming_each_chapter(book):
    # All in one build (--keep-going reports every warning): an unknown citation key, a
    # broken cross-reference and a chapter that writes into data/ must each be named, and
    # nothing else: the book also holds a broken page in every folder of NOT_THE_BOOK,
    # which would add its own errors if it were read or executed.
    with open(book / "chapters" / "95-glossary.md", "a", encoding="utf-8") as page:
        page.write("\nA claim with a typo in its source {cite:p}`torrentfreak2018setles`.\n"
                   "\nSee {doc}`10-part-one-overview` and {numref}`fig-no-such-chart`.\n")
    for folder in NOT_THE_BOOK:
        write_chapter(book, f"{folder}/decoy", "# Not a page of the book\n\n"
                      "{cite:p}`nosuchsource2099`\n\n```{code-cell} ipython3\n1 / 0\n```\n")
    write_chapter(book, WRITER, WRITER_BODY)
    set_toc(book, [*PLAIN_PAGES, WRITER])
    text = failed_build(book)
    assert "decoy" not in text and "nosuchsource2099" not in text, text[-6000:]
    assert re.search(r"chapters/95-glossary\.md:\d+: WARNING: could not find bibtex key "
                     r'"torrentfreak2018setles"', text), text[-6000:]
    assert re.search(r"chapters/95-glossary\.md:\d+: WARNING: unknown document: "
                     r"'10-part-one-overview'", text), text[-6000:]
    assert re.search(r"chapters/95-glossary\.md:\d+: WARNING: .*fig-no-such-chart", text), text[-6000:]
    assert re.search(rf"{WRITER}\.md: WARNING: {WRITER}\.md wrote data/notes\.csv while it ran", text), \
        text[-6000:]
