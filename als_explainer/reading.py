"""How long a page takes to read: its words at a steady reading speed.

The build counts a reading page's prose (not its code, tables or bracketed citations)
and shows the time under the page's title; the count is taken from the page's words at
every build, so the time is never typed and never goes stale.
"""

from __future__ import annotations

import re

#: Words a minute of attentive reading of explanatory prose.
WORDS_PER_MINUTE = 230

# A word: letters or digits, with the apostrophes, hyphens and points inside it
# ("Ninth Circuit's", "2:16-cv-05051", "U.S." each count once).
_WORD = re.compile(r"[^\W_](?:[\w'’.:§-]*[^\W_])?")


def count_words(text: str) -> int:
    """The words in ``text``; punctuation and dashes standing alone are not words."""
    return len(_WORD.findall(text))


def reading_minutes(words: int, per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes to read ``words`` words, rounded to the nearest, and at least one."""
    if words < 0:
        raise ValueError(f"a page cannot have {words} words")
    return max(1, int(words / per_minute + 0.5))


def reading_time_label(words: int) -> str:
    """The line under a page's title: "Reading time: about 8 minutes"."""
    minutes = reading_minutes(words)
    return f"Reading time: about {minutes} minute{'' if minutes == 1 else 's'}"
