"""Load the book's CSV datasets, checked against the schema in ``data/datapackage.json``.

Every dataset is described once, as a Frictionless-style Table Schema, and this module
enforces that description. Anything wrong with a file stops the build with one
:class:`DataError` that names the file, the row, the column and the reason, so an
editor can go straight to the cell that needs fixing.

Dates are *partial* on purpose: the public record often gives only a month or a
rough period, and the book never invents a day. A date field is paired with a
precision field and may hold

- ``YYYY-MM-DD`` when the precision is ``day``,
- ``YYYY-MM`` when the precision is ``month``,
- ``YYYY``, ``YYYY-MM`` or an interval ``START/END`` (each side in any of the three
  forms) when the precision is ``approximate``.

Loading adds three columns per date field: ``<field>_start`` and ``<field>_end`` (the
first and last day the record allows) and ``<field>_label`` (how the book writes it).
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime as dt
import io
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .bib import bibliography_keys
from .paths import book_root

PRECISIONS = ("day", "month", "approximate")

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTHS = [calendar.month_name[m] for m in range(13)]


# Audit events for the build's re-execution recorder (book_extensions.dependencies), which
# listens for them in a chapter's kernel; outside a build nobody listens. The loader reads
# datapackage.json and references.bib whole but uses only part of each, and says which.
READ_EVENT = "als_explainer.read"
QUIET_EVENT = "als_explainer.quiet"


@contextlib.contextmanager
def _unrecorded():
    """Files read inside are not recorded whole; the caller reports the part it uses."""
    sys.audit(QUIET_EVENT, True)
    try:
        yield
    finally:
        sys.audit(QUIET_EVENT, False)


def _used(kind: str, path: Path, **details) -> None:
    """Tell the recorder which part (``kind``) of the file at ``path`` the chapter used."""
    sys.audit(READ_EVENT, kind, str(path), details)


class DataError(ValueError):
    """A dataset does not match its schema. The message names file, row and column."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None):
        self.file, self.reason, self.row, self.column = file, reason, row, column
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f'column "{column}"')
        super().__init__(f"{', '.join(where)}: {reason}")


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the record allows: the first and last day it may mean."""

    text: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return _label(self.text)


def parse_partial_date(text: str, precision: str) -> PartialDate:
    """Parse ``text`` for the given precision; raise ``ValueError`` with the reason."""
    if precision not in PRECISIONS:
        raise ValueError(f'precision "{precision}" is not one of {", ".join(PRECISIONS)}')
    parts = text.split("/")
    if len(parts) == 2 and precision != "approximate":
        raise ValueError(f'"{text}" is an interval, which only an approximate date may be')
    if len(parts) > 2:
        raise ValueError(f'"{text}" is not a date (YYYY-MM-DD, YYYY-MM, YYYY or START/END)')
    bounds = [_bounds(part, text) for part in parts]
    start, end = bounds[0][0], bounds[-1][1]
    if start > end:
        raise ValueError(f'"{text}" ends before it starts')
    if len(parts) == 1:
        shape = {10: "day", 7: "month", 4: "year"}[len(text)]
        expected = {"day": "day", "month": "month"}.get(precision)
        if expected and shape != expected:
            form = "YYYY-MM-DD" if precision == "day" else "YYYY-MM"
            raise ValueError(f'"{text}" does not match precision "{precision}" (expected {form})')
        if precision == "approximate" and shape == "day":
            raise ValueError(
                f'"{text}" names a single day; an approximate date is a month, a year or START/END'
            )
    return PartialDate(text, start, end)


def _bounds(part: str, whole: str) -> tuple[dt.date, dt.date]:
    match = _PARTIAL_DATE.match(part)
    if not match:
        raise ValueError(f'"{whole}" is not a date (YYYY-MM-DD, YYYY-MM, YYYY or START/END)')
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        return dt.date(year, month, day), dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise ValueError(f'"{whole}" is not a date (YYYY-MM-DD, YYYY-MM, YYYY or START/END)') from None


def _label(text: str) -> str:
    def one(part: str) -> str:
        pieces = part.split("-")
        if len(pieces) == 3:
            return f"{int(pieces[2])} {_MONTHS[int(pieces[1])]} {pieces[0]}"
        if len(pieces) == 2:
            return f"{_MONTHS[int(pieces[1])]} {pieces[0]}"
        return pieces[0]

    return " – ".join(one(p) for p in text.split("/"))


# --------------------------------------------------------------------------- schema


@lru_cache(maxsize=None)
def _package(root: Path) -> dict:
    path = root / "data" / "datapackage.json"
    try:
        # Recorded by the part each caller uses (see _used below).
        with _unrecorded():
            text = path.read_text(encoding="utf-8")
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError("data/datapackage.json", f"is not valid JSON ({err})") from None


def dataset_names(root: Path | None = None) -> list[str]:
    """The names of every dataset declared in ``data/datapackage.json``."""
    root = Path(root or book_root())
    _used("resource-names", root / "data" / "datapackage.json")
    return [r["name"] for r in _package(root)["resources"]]


def schema(name: str, root: Path | None = None) -> dict:
    """The declared resource (path, title, schema) for the dataset ``name``."""
    root = Path(root or book_root())
    _used("resource", root / "data" / "datapackage.json", name=name)
    for resource in _package(root)["resources"]:
        if resource["name"] == name:
            return resource
    known = ", ".join(dataset_names(root))
    raise DataError("data/datapackage.json", f'declares no dataset "{name}" (known: {known})')


# --------------------------------------------------------------------------- loading


def load(name: str, root: Path | None = None) -> pd.DataFrame:
    """Read ``data/<name>.csv``, check every cell against the schema, return a DataFrame."""
    root = Path(root or book_root())
    resource = schema(name, root)
    rel = f"data/{resource['path']}"
    path = root / rel
    fields = resource["schema"]["fields"]
    by_name = {f["name"]: f for f in fields}

    if not path.exists():
        raise DataError(rel, "file not found")
    rows = _read_rows(path, rel)
    if not rows:
        raise DataError(rel, "is empty (expected a header row)")
    header, body = rows[0], rows[1:]

    missing = [f["name"] for f in fields if f["name"] not in header]
    if missing:
        raise DataError(rel, "missing from the header row", row=0, column=missing[0])
    unknown = [h for h in header if h not in by_name]
    if unknown:
        raise DataError(rel, "is not declared in data/datapackage.json", row=0, column=unknown[0])
    if not body:
        raise DataError(rel, "has a header but no rows")

    with _unrecorded():  # recorded below as the keys this dataset names
        bib = bibliography_keys(root)
    seen: dict[str, dict[str, int]] = {f["name"]: {} for f in fields}
    records = []
    for number, cells in enumerate(body, start=1):
        if len(cells) != len(header):
            raise DataError(
                rel,
                f"has {len(cells)} cells but the header has {len(header)} columns",
                row=number,
            )
        raw = dict(zip(header, cells))
        record = {}
        for field in fields:
            column = field["name"]
            try:
                record[column] = _check_cell(raw[column], field, raw, bib)
            except ValueError as err:
                raise DataError(rel, str(err), row=number, column=column) from None
            if field.get("constraints", {}).get("unique") and raw[column]:
                first = seen[column].setdefault(raw[column], number)
                if first != number:
                    raise DataError(
                        rel, f'"{raw[column]}" repeats the value of row {first}', row=number, column=column
                    )
        records.append(record)

    cited = [key for field in fields if field.get("bibtexKey")
             for cells in body for key in _split_keys(cells[header.index(field["name"])])]
    _used("bibkeys", root / "references.bib", keys=cited)
    return _frame(records, fields)


def _read_rows(path: Path, rel: str) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _encoding_error(data, err, rel) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    except csv.Error as err:
        raise DataError(rel, f"is not well-formed CSV ({err})") from None


def _encoding_error(data: bytes, err: UnicodeDecodeError, rel: str) -> DataError:
    """Point at the row and column that hold the bytes that are not UTF-8."""
    text = data.decode("utf-8", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    bad = f"byte 0x{data[err.start]:02x} is not UTF-8 (save the file as UTF-8)"
    header = rows[0] if rows else []
    for index, row in enumerate(rows):
        for col, cell in enumerate(row):
            if "\ufffd" in cell:
                column = header[col] if index and col < len(header) else None
                return DataError(rel, bad, row=index, column=column)
    return DataError(rel, bad)


def _check_cell(value: str, field: dict, raw: dict, bib: frozenset[str]):
    constraints = field.get("constraints", {})
    if value.strip() != value:
        raise ValueError(f'"{value}" has spaces at its start or end')
    if value == "":
        if constraints.get("required"):
            raise ValueError("is empty but required")
        return None
    kind = field.get("type", "string")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f'"{value}" is not a whole number')
        typed = int(value)
    elif kind == "number":
        try:
            typed = float(value)
        except ValueError:
            raise ValueError(f'"{value}" is not a number') from None
    elif kind == "date":
        precision_field = field.get("precisionField")
        precision = raw.get(precision_field, "day") if precision_field else "day"
        typed = parse_partial_date(value, precision if precision in PRECISIONS else "day")
    else:
        typed = value
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(constraints["enum"])
        raise ValueError(f'"{value}" is not an allowed value ({allowed})')
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        hint = field.get("patternHint", f"pattern {constraints['pattern']}")
        raise ValueError(f'"{value}" does not match {hint}')
    if "maxLength" in constraints and len(value) > constraints["maxLength"]:
        raise ValueError(f'"{value}" is longer than {constraints["maxLength"]} characters')
    if "minimum" in constraints and typed < constraints["minimum"]:
        raise ValueError(f'"{value}" is below the minimum {constraints["minimum"]}')
    if "maximum" in constraints and typed > constraints["maximum"]:
        raise ValueError(f'"{value}" is above the maximum {constraints["maximum"]}')
    if field.get("bibtexKey"):
        unknown = [key for key in _split_keys(value) if key not in bib]
        if unknown:
            raise ValueError(f'source key "{unknown[0]}" is not in references.bib')
    return typed


def _split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(";") if key.strip()]


def _frame(records: list[dict], fields: list[dict]) -> pd.DataFrame:
    columns: dict[str, list] = {}
    for field in fields:
        name = field["name"]
        values = [r[name] for r in records]
        if field.get("type") == "date":
            columns[name] = [v.text if v else None for v in values]
            columns[f"{name}_start"] = pd.to_datetime([v.start if v else None for v in values])
            columns[f"{name}_end"] = pd.to_datetime([v.end if v else None for v in values])
            columns[f"{name}_label"] = [v.label if v else None for v in values]
        elif field.get("type") == "integer" and all(v is not None for v in values):
            columns[name] = pd.array(values, dtype="int64")
        else:
            columns[name] = values
    return pd.DataFrame(columns)


def source_keys(frame: pd.DataFrame, column: str = "source") -> list[str]:
    """Every bibliography key a dataset names, in first-seen order (for citing a table)."""
    keys: list[str] = []
    for value in frame[column].dropna():
        for key in _split_keys(value):
            if key not in keys:
                keys.append(key)
    return keys
