"""What the build says about a chapter's run that went wrong, in an editor's terms.

- **A cell that raised**: the build's last words name the chapter, the code cell's number
  and line, and the error ("The build stopped: chapters/x.md, code cell 2 (line 41)
  raised KeyError: 'steadfast'").
- **A chapter that wrote into the sources**: the files of ``chapters/``, ``data/``, the
  content package and the top folder are noted before the chapters run and checked after
  each; a file that appeared, changed or went is named in a warning on the chapter.
"""

from pathlib import Path

from sphinx.util import logging

from .inputs import code_cells

logger = logging.getLogger(__name__)

WATCHED = ("chapters", "data")  # with the top folder's files and the content package
SEPARATOR = "\n" + "-" * 18 + "\n"  # around the cell's source in nbclient's message


def sources(root: Path, package: str) -> dict[str, tuple[int, int]]:
    """Each watched file's (modification time, size): the top folder's files, and those of
    the watched folders (hidden files and ``__pycache__`` left out)."""
    paths = [path for folder in (*WATCHED, package) for path in (root / folder).rglob("*")] + list(root.iterdir())
    found = {}
    for path in paths:
        parts = path.relative_to(root).parts
        if path.is_file() and (len(parts) == 1 or not any(p.startswith(".") or p == "__pycache__" for p in parts)):
            found["/".join(parts)] = (path.stat().st_mtime_ns, path.stat().st_size)
    return found


class Reports:
    """One build's reports; its handlers are connected in :func:`setup`."""

    def __init__(self):
        self.before: dict[str, tuple[int, int]] = {}

    def check(self, app, docnames: list[str]) -> None:
        """Warn about every watched file that changed since the last check (the first:
        before any chapter ran)."""
        now = sources(Path(app.srcdir), app.config.book_content_package)
        written = sorted(name for name in set(now) | set(self.before) if now.get(name) != self.before.get(name))
        self.before, ran = now, " and ".join(f"{d}.md" for d in docnames)
        for name in written if docnames else []:
            logger.warning(f"{ran}{' (side by side)' if len(docnames) > 1 else ''} wrote {name} while it ran; the "
                           "build may only write charts into figures/ (through publish()) and files under _build/",
                           location=docnames[0])

    def stopped(self, app, exception) -> None:
        cause = exception
        while cause is not None and not hasattr(cause, "ename"):  # nbclient's CellExecutionError
            cause = cause.__cause__ or cause.__context__
        if cause is not None and Path(str(exception)).is_file():
            chapter = Path(str(exception)).relative_to(Path(app.srcdir).absolute()).as_posix()
            logger.error(f"The build stopped: {chapter}, {failed_cell(Path(str(exception)), cause)}")


def failed_cell(path: Path, error) -> str:
    """"code cell 2 (line 41) raised KeyError: 'x'" for nbclient's ``error`` in ``path``."""
    message = str(error)
    shown = message.split(SEPARATOR)[1].strip() if message.count(SEPARATOR) >= 2 else None
    cells = list(enumerate(code_cells(path.read_text(encoding="utf-8")), 1))
    matches = [(n, c) for n, c in cells if c.source.strip() == shown] or \
        sorted(((n, c) for n, c in cells if c.source.strip() and c.source.strip() in message),
               key=lambda pair: -len(pair[1].source))
    where = f"code cell {matches[0][0]} (line {matches[0][1].line})" if matches else "a code cell"
    return f"{where} raised {error.ename}: {error.evalue}"


def setup(app):
    app.setup_extension("book_extensions.reexecution")  # declares book_content_package
    reports = Reports()
    app.add_event("book-chapters-ran")  # (app, docnames): emitted by parallel_execution
    app.connect("env-before-read-docs", lambda app, env, docnames: reports.check(app, []))
    app.connect("book-chapters-ran", reports.check)
    app.connect("doctree-read", lambda app, doctree: reports.check(app, [app.env.docname]))
    app.connect("build-finished", reports.stopped)
    # Not with -j: each reading process would check the same files.
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
