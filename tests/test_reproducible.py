"""Reproducible output (book_extensions/reproducible.py): the same sources, built cold in two
different folders, give byte-identical files: every file of the site (search index and
preview scripts included), the PDF and the EPUB.

A small trimmed book (a chapter with a chart, citations with their previews, the glossary
and a bibliography of the cited sources) is built twice, each time with the README's three
commands; the whole book's EPUB and PDF are checked by tests/test_epub.py and
tests/test_pdf_edition.py, and ``scripts/benchmark.py`` compares two cold builds of the
whole site.
"""

from __future__ import annotations

import shutil

import pytest

from book_extensions.reproducible import differences, tree_digests

from book_builds import build, output, scratch_book, set_toc, write_chapter

# Both tests read the module's two builds: one worker builds them, once.
pytestmark = pytest.mark.xdist_group("reproducible")

PROBE = "chapters/zz-reproducible"
PROBE_BODY = """
# A chapter for the reproducibility test

A claim with its source {cite:p}`torrentfreak2018settles`, and another
{cite:p}`cmu2018settlement`.

```{code-cell} ipython3
---
tags: [remove-input]
mystnb:
  figure:
    caption: Two bars, drawn by the reproducibility test.
    name: fig-zz-reproducible
  image:
    alt: A bar chart with two bars, a short one labelled a and a taller one labelled b.
---
import matplotlib.pyplot as plt

from als_explainer import publish, use_house_style

use_house_style()
fig, ax = plt.subplots(figsize=(4, 2))
ax.bar(["a", "b"], [1, 2])
publish(fig, "zz-reproducible")
```

{numref}`fig-zz-reproducible` has two bars.
"""
# The cited entries only: the book's whole bibliography page runs the same code with twenty
# more pages to typeset, twice over.
SOURCES = "chapters/zz-sources"
SOURCES_BODY = "# Sources\n\n```{bibliography}\n```\n"
PAGES = [PROBE, "chapters/95-glossary", SOURCES]
EDITIONS = (("simplepdf", ".pdf"), ("epub", ".epub"))


def _built(folder):
    book = scratch_book(folder)
    write_chapter(book, PROBE, PROBE_BODY)
    (book / f"{SOURCES}.md").write_text(SOURCES_BODY, encoding="utf-8")
    set_toc(book, PAGES)
    for extra in ((), *(("--builder", "custom", "--custom-builder", name) for name, _ in EDITIONS)):
        result = build(book, *extra)
        assert result.returncode == 0, f"{' '.join(extra) or 'site'} build failed:\n{output(result)[-6000:]}"
    return book


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    base = tmp_path_factory.mktemp("reproducible")
    first = _built(base / "first")
    second = _built(base / "elsewhere" / "second-copy")
    yield first, second
    shutil.rmtree(base, ignore_errors=True)


def test_two_cold_builds_in_two_folders_write_byte_identical_sites(two_builds):
    first, second = (tree_digests(book / "_build" / "html") for book in two_builds)
    assert first, "no site written"
    assert any(name.startswith("_static/tippy/") for name in first), "no preview scripts to compare"
    assert {"searchindex.js", "als-scan-v-cloudflare.pdf", "als-scan-v-cloudflare.epub"} <= set(first)
    assert not differences(first, second), f"files that differ: {differences(first, second)}"


def test_no_build_cache_in_the_published_site(two_builds):
    site = two_builds[0] / "_build" / "html"
    assert not list(site.glob("tippy_*cache.json")), "sphinx-tippy's caches leaked into the site"
