"""The same sources give the same bytes: two cold builds of one commit, in two folders, on
two machines, write byte-identical sites, PDFs and EPUBs.

What used to differ between two builds, and what this module does about it (the
previews' scripts are named and ordered by :mod:`book_extensions.previews`):

- **The build date.** Sphinx stamps the EPUB with the time of the build unless
  ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) says otherwise; the build
  sets it to the edition's date (``book_date``) when the environment does not.
- **Folders.** Settings that name the book's own folders by absolute path (hashed into
  the site's ``.buildinfo``) are made relative to the book.
- **Zip archives** (the EPUB) store each file's modification time; :func:`normalise_zip`
  rewrites an archive with one fixed time, order and set of permissions.

:func:`tree_digests` is what the tests and ``scripts/benchmark.py`` compare.
"""

import datetime as dt
import hashlib
import os
import zipfile
from pathlib import Path

#: The zip format cannot store dates before 1980; the edition's date is always later.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def source_date_epoch(book_date: str) -> int:
    """``book_date`` (``YYYY-MM-DD`` or ``YYYY-MM``) as seconds since 1970, at midnight UTC."""
    parts = [int(p) for p in str(book_date).split("-")]
    year, month, day = (parts + [1, 1])[:3]
    return int(dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp())


def _relative_paths(app, config) -> None:
    """The book's extensions add their static and template folders by absolute path;
    Sphinx hashes those settings into the site's ``.buildinfo``, which then differed
    between two folders. Paths inside the book become relative to it (Sphinx reads them
    relative to the book's folder anyway). Runs after every extension has added its own."""
    root = Path(app.confdir).resolve()
    for name in ("html_static_path", "templates_path"):
        paths = [(Path(entry).resolve(), entry) for entry in getattr(config, name)]
        setattr(config, name, [path.relative_to(root).as_posix() if Path(entry).is_absolute()
                               and path.is_relative_to(root) else entry for path, entry in paths])


def _build_date(app, config) -> None:
    """Sphinx (and anything else that follows the convention) dates its output by the
    edition, not by the clock."""
    if config.book_date:
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch(config.book_date)))


def normalise_zip(path: Path) -> None:
    """Rewrite the zip archive at ``path`` with every entry in its original order and
    compression, dated 1 January 1980 and readable by all, so that the same contents
    always give the same bytes (``mimetype`` stays first and uncompressed, as EPUB asks)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    temporary = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(temporary, "w") as target:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3  # Unix, whatever system wrote it
            target.writestr(fixed, data)
    os.replace(temporary, path)


def tree_digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path) and the SHA-256 of its bytes."""
    folder = Path(folder)
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """The files two :func:`tree_digests` disagree on (missing from one, or different)."""
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def setup(app):
    app.connect("config-inited", _build_date)
    app.connect("config-inited", _relative_paths, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
