"""Load the book's CSV datasets, checked against the data package in ``data/datapackage.json``.

Every dataset is described once, as a Frictionless Table Schema, and one validator checks
that description: the standard one, `frictionless <https://framework.frictionlessdata.io/>`_
(:func:`validate`). Its report is turned into one :class:`DataError` written for editors,
naming the file, the row, the column and the reason, so an editor can go straight to the
cell that needs fixing. Types, ``required``, ``unique``, ``enum``, ``pattern``,
``maxLength``, ``minimum``/``maximum``, the header row, cells per row, the primary key and
the ``foreignKeys`` between files are frictionless's to check, and only frictionless
checks them.

The book adds only what a Table Schema cannot say (:func:`_check_row`, each rule with its
reason there): a partial date read with its precision column, the bibliography keys of a
``bibtexKey`` column, the source's words in ``source_quote``, cells with spaces at either
end, and where in a file bytes that are not UTF-8 sit.

Dates are *partial* on purpose: the public record often gives only a month or a
rough period, and the book never invents a day. A date field is paired with a
precision field and may hold

- ``YYYY-MM-DD`` when the precision is ``day``,
- ``YYYY-MM`` when the precision is ``month``,
- ``YYYY``, ``YYYY-MM`` or an interval ``START/END`` (each side in any of the three
  forms) when the precision is ``approximate``.

In ``data/datapackage.json`` such a field is a Table Schema ``string`` with a ``pattern``
(which frictionless checks) and a ``precisionField``, which is what tells this loader to
read it as a partial date. Loading adds three columns per date field: ``<field>_start`` and
``<field>_end`` (the first and last day the record allows) and ``<field>_label`` (how the
book writes it).

The frame's index is the row number in the CSV (first data row = 1, as in every error
message; frictionless counts the header as row 1, so its numbers are one more), so a check
that runs on a loaded frame names the row with its index and never counts rows itself;
``frame.attrs["path"]`` is the file, relative to the book.

A dataset whose schema declares a ``source_quote`` field carries, for every sourced row,
the short passage of the cited source that supports the row, in the source's own words
(a translation, where one is needed, follows in ``[our translation: …]``). The loader
refuses a sourced row whose passage is blank, longer than :data:`QUOTE_MAX_WORDS` words, or
whose translation is not closed; see :func:`check_source_quote`.

Cost: each resource is validated once per process and again only when its CSV, the CSVs
its foreign keys point to or ``datapackage.json`` change (cached by modification time);
frictionless is imported on the first validation, so importing this module stays cheap.
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
QUOTE_MISSING = ("is empty, but the row names a source: give the short passage of that source "
                 "which supports the row, in the source's own words")
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
    """Read ``data/<name>.csv``, validated against its schema, and return a DataFrame.

    frictionless checks everything the Table Schema declares (:func:`validate`); the
    book's own rules follow, row by row (:func:`_check_row`).
    """
    root = Path(root or book_root())
    resource = schema(name, root)
    rel = f"data/{resource['path']}"
    fields = resource["schema"]["fields"]
    quote = next((f for f in fields if f["name"] == QUOTE_FIELD), None)
    if any(f.get("bibtexKey") for f in fields) and not (quote or {}).get("constraints", {}).get("required"):
        raise DataError("data/datapackage.json", f'dataset "{name}" names sources but does not declare '
                        f'a required "{QUOTE_FIELD}" field for the words of each row\'s source',
                        column=QUOTE_FIELD)
    validate(name, root)
    header, *body = _read_rows(root / rel, rel)
    if not body:  # a Table Schema has no minimum number of rows
        raise DataError(rel, "has a header but no rows")

    bib = bibliography_keys(root)
    records = []
    for number, cells in enumerate(body, start=1):  # the one place rows are counted
        raw = dict(zip(header, cells))
        records.append(_check_row(raw, fields, bib, rel, number))
    frame = _frame(records, fields)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    frame.attrs["path"] = rel
    return frame


def validate(name: str, root: Path | None = None) -> None:
    """Validate the dataset ``name`` with frictionless; raise the first problem as a DataError.

    The datasets its foreign keys point to are validated first, so a broken file is named
    itself rather than through a file that links to it. Each result is kept for as long as
    the files it depends on keep their modification times.
    """
    root = Path(root or book_root())
    resource = schema(name, root)
    for key in resource["schema"].get("foreignKeys", []):
        if key["reference"]["resource"] not in ("", name):
            validate(key["reference"]["resource"], root)
    package = root / "data" / "datapackage.json"
    files = [package] + [root / "data" / schema(n, root)["path"] for n in _linked(resource)]
    stamps = tuple(p.stat().st_mtime_ns if p.exists() else None for p in files)
    problem = _first_problem(package, name, stamps)
    if problem is not None:
        raise DataError(**problem)


def _linked(resource: dict) -> list[str]:
    """The dataset itself and every dataset its foreign keys read."""
    names = [resource["name"]]
    for key in resource["schema"].get("foreignKeys", []):
        if key["reference"]["resource"] not in ("", *names):
            names.append(key["reference"]["resource"])
    return names


def _frictionless_resource(package_path: Path, name: str, mtime: int):
    """The dataset as a frictionless resource, in a package of only the datasets it reads.

    A package of one or two resources rather than all of them: frictionless spends most of
    a first load building its objects for every declared field, not reading the rows.
    """
    from frictionless import FrictionlessException, Package

    declared = _parsed_package(package_path, mtime)
    resources = {r["name"]: r for r in declared["resources"]}
    descriptor = {**declared, "resources": [resources[n] for n in _linked(resources[name])]}
    try:
        package = Package(descriptor, basepath=str(package_path.parent))
    except FrictionlessException as err:
        raise DataError("data/datapackage.json",
                        f"is not a valid data package ({err.error.message})") from None
    for resource in package.resources:
        resource.encoding = "utf-8-sig"  # UTF-8, with or without a spreadsheet's byte-order mark
    return package.get_resource(name)


@cache
def _first_problem(package_path: Path, name: str, stamps: tuple) -> dict | None:
    """frictionless's first error for one dataset, as DataError arguments (None: valid)."""
    declared = {r["name"]: r for r in _parsed_package(package_path, stamps[0])["resources"]}
    rel = f"data/{declared[name]['path']}"
    _read_rows(package_path.parent / declared[name]["path"], rel)  # a missing file; bytes not UTF-8
    report = _frictionless_resource(package_path, name, stamps[0]).validate()
    errors = [error for task in report.tasks for error in task.errors]
    if not errors:
        return None
    return _editor_message(errors[0], declared, name, package_path.parent)


def _editor_message(error, declared: dict, name: str, folder: Path) -> dict:
    """A frictionless error in the book's words: file, row, column, reason (and the fix).

    frictionless counts the header as row 1; the book counts data rows from 1 and calls
    the header row 0, so a row number here is frictionless's less one.
    """
    from frictionless import errors

    resource = declared[name]
    rel = f"data/{resource['path']}"
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    if isinstance(error, errors.LabelError):
        return _header_message(error, list(fields), rel)
    row = error.row_number - 1 if isinstance(error, errors.RowError) else None
    if isinstance(error, errors.BlankRowError):
        return dict(file=rel, row=row, reason="is blank (delete the empty line)")
    if isinstance(error, errors.RowError) and len(error.cells) != len(fields):
        return dict(file=rel, row=row,
                    reason=f"has {len(error.cells)} cells but the header has {len(fields)} columns")
    if isinstance(error, errors.ForeignKeyError):
        column, value = error.field_names[0], error.field_cells[0]
        target = declared.get(error.reference_name, resource)
        return dict(file=rel, row=row, column=column,
                    reason=f'"{value}" is not among the "{error.reference_field_names[0]}" values of '
                           f'data/{target["path"]} (a foreign key)')
    if isinstance(error, (errors.UniqueError, errors.PrimaryKeyError)):
        keys = resource["schema"].get("primaryKey", [])
        column = getattr(error, "field_name", None) or (keys if isinstance(keys, str) else keys[0])
        index = list(fields).index(column)
        value = error.cells[index]
        first = next((i for i, cells in enumerate(_read_rows(folder / resource["path"], rel)[1:], start=1)
                      if len(cells) > index and cells[index] == value), None)
        where = f"row {first}" if first else "an earlier row"
        return dict(file=rel, row=row, column=column, reason=f'"{value}" repeats the value of {where}')
    if isinstance(error, errors.CellError):
        field = fields[error.field_name]
        return dict(file=rel, row=row, column=error.field_name, reason=_cell_reason(error, field))
    return dict(file=rel, row=row, reason=f"cannot be read as the table data/datapackage.json declares "
                                         f"({error.message})")


def _header_message(error, names: list[str], rel: str) -> dict:
    """Which column the header row lacks, has too many of, or has out of order."""
    labels = list(error.labels)
    missing = [n for n in names if n not in labels]
    if missing:
        return dict(file=rel, row=0, column=missing[0], reason="missing from the header row")
    unknown = [label for label in labels if label not in names]
    if unknown:
        return dict(file=rel, row=0, column=unknown[0], reason="is not declared in data/datapackage.json")
    twice = [label for label in labels if labels.count(label) > 1]
    if twice:
        return dict(file=rel, row=0, column=twice[0], reason="appears twice in the header row")
    return dict(file=rel, row=0, column=error.field_name,
                reason=f'is not where data/datapackage.json declares it: put the columns in the '
                       f'declared order ({", ".join(names)})')


#: A broken Table Schema constraint in the book's words (``constraints`` fill the braces).
CONSTRAINT_REASONS = {
    "required": "is empty but required",
    "enum": '"{value}" is not an allowed value ({allowed})',
    "pattern": '"{value}" does not match {hint}',
    "minLength": '"{value}" is shorter than {minLength} characters',
    "maxLength": '"{value}" is longer than {maxLength} characters',
    "minimum": '"{value}" is below the minimum {minimum}',
    "maximum": '"{value}" is above the maximum {maximum}',
}


def _cell_reason(error, field: dict) -> str:
    """A cell's type or constraint error, worded from the field's own declaration."""
    from frictionless import errors

    value, constraints = error.cell, field.get("constraints", {})
    if isinstance(error, errors.TypeError):
        kind = field.get("type", "string")
        return {"integer": f'"{value}" is not a whole number',
                "number": f'"{value}" is not a number'}.get(kind, f'"{value}" is not of type {kind}')
    # frictionless's note for a constraint reads: constraint "<name>" is "<declared value>"
    constraint = error.note.split('"')[1] if error.note.count('"') >= 2 else ""
    if constraint == "required" and field["name"] == QUOTE_FIELD:
        return QUOTE_MISSING
    if constraint not in CONSTRAINT_REASONS:
        return f'"{value}" breaks a rule of data/datapackage.json ({error.note})'
    return CONSTRAINT_REASONS[constraint].format(
        value=value, allowed=", ".join(map(str, constraints.get("enum", []))),
        hint=field.get("patternHint", f"pattern {constraints.get('pattern')}"), **constraints)


def _check_row(raw: dict, fields: list[dict], bib: frozenset[str], rel: str, number: int) -> dict:
    """The book's own rules for one row, which a Table Schema cannot express; typed values.

    Each stays here for a reason:

    - a partial date (``precisionField``): the schema's ``pattern`` checks the shape, but
      a pattern cannot know the calendar (month 13, 30 February) nor read the precision
      column beside it (``2016-07-11`` where the precision says ``month``);
    - ``bibtexKey``: the keys must exist in ``references.bib``, a file outside the data
      package, which no Table Schema constraint can name;
    - ``source_quote``: at most :data:`QUOTE_MAX_WORDS` words of the source, counted at
      spaces and, in scripts written without them, two characters to a word, with its
      translation left out and closed (:func:`check_source_quote`); a Table Schema can
      limit characters (``maxLength``), not words;
    - spaces at either end of a cell: a Table Schema could forbid them only with a
      ``pattern`` on every field, on top of the patterns some fields already have.
    """
    record = {}
    for field in fields:
        column, value = field["name"], raw[field["name"]]
        try:
            if value.strip() != value:
                raise ValueError(f'"{value}" has spaces at its start or end')
            record[column] = _typed(value, field, raw)
            if field.get("bibtexKey"):
                unknown = [key for key in split_keys(value) if key not in bib]
                if unknown:
                    raise ValueError(f'source key "{unknown[0]}" is not in references.bib')
            if column == QUOTE_FIELD:
                check_source_quote(value)
        except ValueError as err:
            raise DataError(rel, str(err), row=number, column=column) from None
    return record


def _typed(value: str, field: dict, raw: dict):
    """A cell frictionless has accepted, as the frame holds it (None for an empty cell)."""
    if value == "":
        return None
    if is_partial_date(field):
        precision = raw.get(field["precisionField"], "")  # blank: a Part's check names it
        return parse_partial_date(value, precision if precision in PRECISIONS else "day")
    kind = field.get("type", "string")
    return int(value) if kind == "integer" else float(value) if kind == "number" else value


def _read_rows(path: Path, rel: str) -> list[list[str]]:
    """Every row of a CSV (blank ones too, so rows count as frictionless counts them)."""
    if not path.exists():
        raise DataError(rel, "file not found")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _encoding_error(data, err, rel) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise DataError(rel, f"is not well-formed CSV ({err})") from None
    if not rows:
        raise DataError(rel, "is empty (expected a header row)")
    return rows


def _encoding_error(data: bytes, err: UnicodeDecodeError, rel: str) -> DataError:
    """Point at the row and column that hold the bytes that are not UTF-8.

    The book's own: frictionless reports an encoding error for the whole file, without
    the row and column an editor needs to find the character.
    """
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


def check_source_quote(value: str) -> None:
    """Raise ``ValueError`` (the reason) unless ``value`` is a fit passage for its row.

    A blank passage is frictionless's to refuse: every dataset that names sources must
    declare ``source_quote`` as ``required`` (:func:`load` checks that declaration), and
    the loader words frictionless's error as :data:`QUOTE_MISSING`.
    """
    if not value:
        return
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
