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

In ``data/datapackage.json`` such a field is a Table Schema ``string`` with a ``pattern``
(so the standard Frictionless validator accepts it) and a ``precisionField``, which is
what tells this loader to read it as a partial date. Loading adds three columns per date
field: ``<field>_start`` and ``<field>_end`` (the
first and last day the record allows) and ``<field>_label`` (how the book writes it).

The frame's index is the row number in the CSV (first data row = 1, as in every error
message), so a check that runs on a loaded frame names the row with its index and
never counts rows itself; ``frame.attrs["path"]`` is the file, relative to the book.
Links between files are declared as ``foreignKeys`` and checked here too.

A dataset whose schema declares a ``source_quote`` field carries, for every sourced row,
the short passage of the cited source that supports the row, in the source's own words
(a translation, where one is needed, follows in ``[our translation: …]``). The loader
refuses a sourced row whose passage is blank, longer than :data:`QUOTE_MAX_WORDS` words, or
whose translation is not closed; see :func:`check_source_quote`.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .bib import bibliography_keys
from .paths import book_root

PRECISIONS = ("day", "month", "approximate")

QUOTE_FIELD = "source_quote"
QUOTE_MAX_WORDS = 45  # "at most about 40 words" of the source's own words
TRANSLATION_MARK = "[our translation:"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTHS = [calendar.month_name[m] for m in range(13)]


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


def _package(root: Path) -> dict:
    """``data/datapackage.json``, read again whenever the file changes."""
    path = root / "data" / "datapackage.json"
    return _parsed_package(path, path.stat().st_mtime_ns)


@cache
def _parsed_package(path: Path, mtime: int) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError("data/datapackage.json", f"is not valid JSON ({err})") from None


def dataset_names(root: Path | None = None) -> list[str]:
    """The names of every dataset declared in ``data/datapackage.json``."""
    root = Path(root or book_root())
    return [r["name"] for r in _package(root)["resources"]]


def schema(name: str, root: Path | None = None) -> dict:
    """The declared resource (path, title, schema) for the dataset ``name``."""
    root = Path(root or book_root())
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
    quote = by_name.get(QUOTE_FIELD)
    if any(f.get("bibtexKey") for f in fields) and not (quote or {}).get("constraints", {}).get("required"):
        raise DataError("data/datapackage.json", f'dataset "{name}" names sources but does not declare '
                        f'a required "{QUOTE_FIELD}" field for the words of each row\'s source',
                        column=QUOTE_FIELD)
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

    bib = bibliography_keys(root)
    seen: dict[str, dict[str, int]] = {f["name"]: {} for f in fields}
    records = []
    for number, cells in enumerate(body, start=1):  # the one place rows are counted
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
            if column == QUOTE_FIELD:
                try:
                    required = field.get("constraints", {}).get("required", False)
                    check_source_quote(raw[column], _sourced(raw, fields), required)
                except ValueError as err:
                    raise DataError(rel, str(err), row=number, column=column) from None
            if field.get("constraints", {}).get("unique") and raw[column]:
                first = seen[column].setdefault(raw[column], number)
                if first != number:
                    raise DataError(
                        rel, f'"{raw[column]}" repeats the value of row {first}', row=number, column=column
                    )
        records.append(record)

    _check_foreign_keys(resource, records, rel, root)
    frame = _frame(records, fields)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    frame.attrs["path"] = rel
    return frame


def _check_foreign_keys(resource: dict, records: list[dict], rel: str, root: Path) -> None:
    """Every value of a ``foreignKeys`` field exists in the resource and field it points to."""
    for key in resource["schema"].get("foreignKeys", []):
        fields, reference = key["fields"], key["reference"]
        column = fields if isinstance(fields, str) else fields[0]
        target_field = reference["fields"]
        target_field = target_field if isinstance(target_field, str) else target_field[0]
        if reference["resource"] == "":
            target_rel, known = rel, {r[target_field] for r in records}
        else:
            target = load(reference["resource"], root)
            target_rel, known = target.attrs["path"], set(target[target_field])
        for number, record in enumerate(records, start=1):
            value = record[column]
            if value is not None and value not in known:
                raise DataError(rel, f'"{value}" is not among the "{target_field}" values of '
                                f'{target_rel} (a foreign key)', row=number, column=column)


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
    if value == "" and field["name"] == QUOTE_FIELD:
        return None  # checked, with its own reason, by check_source_quote
    if value == "":
        if constraints.get("required"):
            raise ValueError("is empty but required")
        return None
    kind = field.get("type", "string")
    if field.get("precisionField"):  # a partial date (see the module docstring)
        precision = raw.get(field["precisionField"], "day")
        typed = parse_partial_date(value, precision if precision in PRECISIONS else "day")
    elif kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f'"{value}" is not a whole number')
        typed = int(value)
    elif kind == "number":
        try:
            typed = float(value)
        except ValueError:
            raise ValueError(f'"{value}" is not a number') from None
    else:
        typed = value
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(constraints["enum"])
        raise ValueError(f'"{value}" is not an allowed value ({allowed})')
    if "pattern" in constraints and not field.get("precisionField") \
            and not re.fullmatch(constraints["pattern"], value):
        hint = field.get("patternHint", f"pattern {constraints['pattern']}")
        raise ValueError(f'"{value}" does not match {hint}')
    if "maxLength" in constraints and len(value) > constraints["maxLength"]:
        raise ValueError(f'"{value}" is longer than {constraints["maxLength"]} characters')
    if "minimum" in constraints and typed < constraints["minimum"]:
        raise ValueError(f'"{value}" is below the minimum {constraints["minimum"]}')
    if "maximum" in constraints and typed > constraints["maximum"]:
        raise ValueError(f'"{value}" is above the maximum {constraints["maximum"]}')
    if field.get("bibtexKey"):
        unknown = [key for key in split_keys(value) if key not in bib]
        if unknown:
            raise ValueError(f'source key "{unknown[0]}" is not in references.bib')
    return typed


def _sourced(raw: dict, fields: list[dict]) -> bool:
    """Whether a row names a source (any bibliography-key field of it is filled)."""
    return any(raw.get(f["name"], "").strip() for f in fields if f.get("bibtexKey"))


def quote_words(text: str) -> int:
    """How many words of the source a passage holds, its translation left out.

    Words are counted at spaces; text in a script written without spaces (Japanese,
    Chinese, Korean) counts one word per two characters.
    """
    original = text.split(TRANSLATION_MARK, 1)[0]
    words = 0
    for token in original.split():
        cjk = len(_CJK.findall(token))
        rest = _CJK.sub("", token)
        words += (cjk + 1) // 2 + (1 if rest.strip("….,;:!?()[]\"'“”‘’「」、。") else 0)
    return words


def check_source_quote(value: str, sourced: bool, required: bool = True) -> None:
    """Raise ``ValueError`` (the reason) unless ``value`` is a fit passage for its row.

    A blank passage is refused in a sourced row when the schema marks the field required
    (a dataset whose rows are not all quoted yet declares it without ``required``).
    """
    if not sourced or (not value.strip() and not required):
        return
    if not value.strip():
        raise ValueError("is empty, but the row names a source: give the short passage of "
                         "that source which supports the row, in the source's own words")
    words = quote_words(value)
    if words > QUOTE_MAX_WORDS:
        raise ValueError(f"quotes {words} words of its source; at most {QUOTE_MAX_WORDS} "
                         "(quote the passage that supports the row, not more)")
    if TRANSLATION_MARK in value:
        before, _, after = value.partition(TRANSLATION_MARK)
        if not before.strip() or not after.rstrip().endswith("]") or not after.strip(" ]"):
            raise ValueError('has a translation that is not in the form "original words '
                             '[our translation: …]"')


def split_keys(value) -> list[str]:
    """The bibliography keys in a ``source`` cell ("a;b" -> ["a", "b"]); none for a blank."""
    if is_blank(value):
        return []
    return [key.strip() for key in str(value).split(";") if key.strip()]


def is_blank(value) -> bool:
    """An empty cell, however pandas stored it (None, NaN, NA or "")."""
    return value is None or (isinstance(value, str) and value == "") or \
        (not isinstance(value, str) and bool(pd.isna(value)))


def is_partial_date(field: dict) -> bool:
    """Whether a schema field holds partial dates (it names its precision field)."""
    return bool(field.get("precisionField"))


def _frame(records: list[dict], fields: list[dict]) -> pd.DataFrame:
    columns: dict[str, list] = {}
    for field in fields:
        name = field["name"]
        values = [r[name] for r in records]
        if is_partial_date(field):
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
        for key in split_keys(value):
            if key not in keys:
                keys.append(key)
    return keys
