"""Reading pages open with their Key points and a reading time the build counts.

The unit tests pin :mod:`book_extensions.reading_time` (what a word is, how minutes round); the
build tests read the built pages: every reading page (a page with Key points) shows
"Reading time: about N minutes" under its title, then its Key points before any of its
prose, and N agrees with the words a reader meets on the page, counted here from the
HTML (tables, code and bracketed citations left out) independently of the build's count.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from book_extensions.reading_time import WORDS_PER_MINUTE, count_words, reading_minutes, reading_time_label

from conftest import toc_files

# ------------------------------------------------------------------------------ words


def test_a_word_is_letters_or_digits_with_what_joins_them():
    assert count_words("The Ninth Circuit's memo") == 4
    assert count_words("No. 2:16-cv-05051-GW-AFM (C.D. Cal.)") == 4
    assert count_words("a dash – is not a word, nor is … or ¶") == 9
    assert count_words("") == 0


@pytest.mark.parametrize(("words", "minutes"), [
    (0, 1), (1, 1), (WORDS_PER_MINUTE, 1), (int(WORDS_PER_MINUTE * 1.49), 1),
    (int(WORDS_PER_MINUTE * 1.5) + 1, 2), (WORDS_PER_MINUTE * 8, 8)])
def test_minutes_round_to_the_nearest_and_are_at_least_one(words, minutes):
    assert reading_minutes(words) == minutes


def test_the_label_says_minute_once_and_minutes_otherwise():
    assert reading_time_label(10) == "Reading time: about 1 minute"
    assert reading_time_label(WORDS_PER_MINUTE * 3) == "Reading time: about 3 minutes"


def test_a_page_with_key_points_gets_its_reading_time_under_its_title(small_book):
    chapter = _soup(small_book, "chapter").select_one("section")
    title, line = chapter.find_all(recursive=False)[:2]
    assert title.name == "h1" and line.get("class") == ["reading-time"]
    assert line.get_text() == "Reading time: about 1 minute"
    assert not _soup(small_book, "index").select(".reading-time")  # no Key points, no reading time


# ------------------------------------------------------------------------------ the pages

LABEL = re.compile(r"^Reading time: about (\d+) minutes?$")


def _soup(html, page: str) -> BeautifulSoup:
    return BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _reader_words(article) -> int:
    """Words of the article as a reader meets them, counted without the build's code."""
    article = BeautifulSoup(str(article), "html.parser")
    for tag in article.select("table, pre, .cell_input, script, style, .headerlink, "
                              "p.reading-time, .book-edition, .facts-as-of, "
                              "a[href*='99-bibliography.html#src-']"):
        tag.decompose()
    return len(re.findall(r"[^\W_]+(?:[-'’:.][^\W_]+)*", article.get_text(" ")))


def _reading_pages(html) -> list[str]:
    return [page for page in toc_files()
            if any(p.get_text(strip=True) == "Key points"
                   for p in _soup(html, page).select(".bd-article .admonition-title"))]


@pytest.mark.build
def test_every_reading_page_opens_with_its_reading_time_and_key_points(html):
    pages = _reading_pages(html)
    assert len(pages) >= 18, f"only {len(pages)} pages have Key points: {pages}"
    problems = []
    for page in pages:
        section = _soup(html, page).select_one(".bd-article section")
        blocks = [child for child in section.find_all(recursive=False)  # the edition's date
                  if child.name and child.name not in ("span", "script")  # lines aside
                  and not {"facts-as-of", "book-edition"} & set(child.get("class", []))]
        names = [b.name if b.name != "p" else "p." + ".".join(b.get("class", [])) for b in blocks]
        if names[:1] != ["h1"] or not (len(blocks) > 2 and "reading-time" in blocks[1].get("class", [])):
            problems.append(f"{page}: the title is not followed by the reading time ({names[:3]})")
            continue
        if not ("admonition" in blocks[2].get("class", [])
                and blocks[2].select_one(".admonition-title").get_text(strip=True) == "Key points"):
            problems.append(f"{page}: Key points do not come right after the reading time")
        shown = LABEL.match(blocks[1].get_text(strip=True))
        if not shown:
            problems.append(f"{page}: reading time reads {blocks[1].get_text(strip=True)!r}")
            continue
        expected = reading_minutes(_reader_words(section))
        if abs(int(shown.group(1)) - expected) > max(1, expected // 10):
            problems.append(f"{page}: shows {shown.group(1)} minutes, but its words take about {expected}")
    assert not problems, "\n  ".join([""] + problems)
