"""Helpers for tests that break a copy of a dataset on purpose."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cells(path: Path, row_id: str, **cells: str) -> int:
    """Change cells of the row whose first column is ``row_id``; return its data-row number
    (data rows count from 1, as in the loader's error messages)."""
    rows = read_rows(path)
    number = next(i for i, r in enumerate(rows) if i and r[0] == row_id)
    for column, value in cells.items():
        rows[number][rows[0].index(column)] = value
    write_rows(path, rows)
    return number


def set_cell(path: Path, row_id: str, column: str, value: str) -> int:
    """One cell of the row whose first column is ``row_id``; return its data-row number."""
    return set_cells(path, row_id, **{column: value})
