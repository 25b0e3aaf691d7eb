"""Read the keys of ``references.bib`` so data and chapters can be checked against it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pybtex.database import parse_file

from .paths import book_root


@cache
def _keys(path: Path, mtime: float) -> frozenset[str]:
    return frozenset(parse_file(str(path), bib_format="bibtex").entries.keys())


def bibliography_keys(root: Path | None = None) -> frozenset[str]:
    """Every entry key in ``references.bib`` (re-read whenever the file changes)."""
    path = Path(root or book_root()) / "references.bib"
    return _keys(path, path.stat().st_mtime)
