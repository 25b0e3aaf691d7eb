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


def set_cell_at(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell by data-row number (from 1), leaving every other cell as it was."""
    rows = read_rows(path)
    rows[row][rows[0].index(column)] = value
    write_rows(path, rows)


def expect_error(root: Path, name: str, row: int | None, column: str | None):
    """Load ``name`` from ``root`` and return its DataError, after checking the message
    names the file, the row and the column an editor must go to."""
    import pytest

    from als_explainer.data import DataError, load, schema

    with pytest.raises(DataError) as caught:
        load(name, root=root)
    err, message = caught.value, str(caught.value)
    assert message.startswith(f"data/{schema(name, root)['path']}"), message
    assert (err.row, err.column) == (row, column), message
    if row is not None:
        assert f"row {row}" in message, message
    else:
        assert " row " not in message.split(":")[0], message
    if column is not None:
        assert f'column "{column}"' in message, message
    return err
