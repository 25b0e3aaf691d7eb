"""What each chapter really used when it ran, and whether any of it has changed since.

The build caches each executed chapter with jupyter-cache, which decides whether a
chapter must run again by hashing its *code cells* only. A changed CSV or a changed
helper in this package therefore never re-ran a chapter, and its chart went stale
(jupyter-book #1633, MyST-NB #621). This module is the half of the fix that runs in
the Jupyter kernel; :mod:`book_extensions.reexecution` is the half that runs in the build.

While the build runs a chapter, a :class:`Recorder` in the chapter's kernel watches,
through a Python audit hook, every file the chapter's code opens inside the book: the
CSVs it loads, the modules of this package it imports, any other file it reads. Each
is recorded with a *fingerprint* of its content at the moment it was read, and the
list is written (after every cell) to a JSON file under ``_build/``. Files a chapter
writes into ``figures/`` are recorded as its outputs. Nobody has to list anything:
a new ``load("…")`` or a new import is discovered the first time the chapter runs.

Some files are read whole but used in part. The book's data loader
(:mod:`als_explainer.data`) says so through audit events of its own, so that it never
imports this module: ``als_explainer.quiet`` (``True`` before such a read, ``False``
after) stops recording whole files, and ``als_explainer.read`` (kind, path, details)
records the part it used instead:

- ``resource``: one dataset's entry in ``data/datapackage.json`` (editing another
  dataset's schema does not re-run this chapter);
- ``resource-names``: the list of declared datasets (a chapter that loops over every
  dataset re-runs when one is added or removed);
- ``bibkeys``: whether the source keys a dataset names exist in ``references.bib``
  (adding a source to the bibliography re-runs no chapter; removing one a dataset
  cites re-runs that chapter, which then fails with the row that names it).

Before the next build, :func:`fingerprint` recomputes every recorded fingerprint; a
chapter whose inputs changed, or whose output chart is missing or was altered, runs
again. This module imports only the standard library (``pybtex`` lazily), because the
kernel loads it before anything else, by file path.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path

#: Environment variables through which the build tells a chapter's kernel what to do.
ENV_ROOT = "ALS_DEPENDENCIES_ROOT"  # the book being built
ENV_RECORD = "ALS_DEPENDENCIES_RECORD"  # where this kernel writes what it used

#: Everything the chapter writes here is an output (a chart), never an input.
OUTPUT_DIRS = ("figures",)
#: Never a dependency: build output, caches, tooling.
IGNORED_DIRS = ("_build",)

FORMAT_VERSION = 1
_LISTING_EVENTS = ("os.listdir", "os.scandir")
#: Audit events raised by the book's data loader (see the module docstring).
READ_EVENT = "als_explainer.read"
QUIET_EVENT = "als_explainer.quiet"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


# --------------------------------------------------------------------------- fingerprints


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_digest(value) -> str:
    return _digest(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def _file(root: Path, dep: dict) -> str:
    path = root / dep["path"]
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return "missing"
    except IsADirectoryError:
        return "directory"


def _listing(root: Path, dep: dict) -> str:
    try:
        names = sorted(n for n in os.listdir(root / dep["path"]) if n not in ("__pycache__",))
    except FileNotFoundError:
        return "missing"
    return _json_digest(names)


def _datapackage(root: Path, dep: dict):
    """The parsed Data Package, or a fingerprint string when it cannot be parsed."""
    path = root / dep["path"]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "missing"
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return "invalid:" + _digest(data)


def _resource(root: Path, dep: dict) -> str:
    package = _datapackage(root, dep)
    if isinstance(package, str):
        return package
    for resource in package.get("resources", []):
        if resource.get("name") == dep["name"]:
            return _json_digest(resource)
    return "absent"


def _resource_names(root: Path, dep: dict) -> str:
    package = _datapackage(root, dep)
    if isinstance(package, str):
        return package
    return _json_digest([r.get("name") for r in package.get("resources", [])])


_BIB_MEMO: dict[tuple, frozenset | str] = {}


def _bib_keys(path: Path) -> frozenset | str:
    """The entry keys of a BibTeX file, parsed as :mod:`als_explainer.bib` parses it."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    memo = (str(path), stat.st_mtime_ns, stat.st_size)
    if memo not in _BIB_MEMO:
        from pybtex.database import parse_file

        try:
            _BIB_MEMO[memo] = frozenset(parse_file(str(path), bib_format="bibtex").entries.keys())
        except Exception:  # any parse error: the chapter must run again and report it
            _BIB_MEMO[memo] = "invalid:" + _digest(path.read_bytes())
    return _BIB_MEMO[memo]


def _bibkeys(root: Path, dep: dict) -> str:
    keys = _bib_keys(root / dep["path"])
    if isinstance(keys, str):
        return keys
    return _json_digest({key: key in keys for key in dep["keys"]})


FINGERPRINTS = {
    "file": _file,
    "listing": _listing,
    "resource": _resource,
    "resource-names": _resource_names,
    "bibkeys": _bibkeys,
}


def fingerprint(root: Path, dep: dict) -> str:
    """The current fingerprint of one recorded dependency of the book at ``root``."""
    try:
        kind = FINGERPRINTS[dep["kind"]]
    except KeyError:
        return "unknown kind " + str(dep.get("kind"))
    return kind(Path(root), dep)


def dep_key(dep: dict) -> str:
    """A stable identity for a dependency, without its fingerprint."""
    return json.dumps({k: v for k, v in dep.items() if k != "fingerprint"}, sort_keys=True)


def describe(dep: dict) -> str:
    """How an editor would name a dependency in a sentence."""
    kind, path = dep["kind"], dep["path"]
    if kind == "resource":
        return f'the "{dep["name"]}" entry of {path}'
    if kind == "resource-names":
        return f"the list of datasets in {path}"
    if kind == "bibkeys":
        return f"the source keys it uses in {path}"
    if kind == "listing":
        return f"the files in {path or '.'}/"
    return path


def changes(root: Path, inputs: list[dict], outputs: dict[str, str], memo: dict | None = None) -> list[str]:
    """Every recorded input whose fingerprint changed and every output now missing or
    altered, in words; empty when a cached run is still exactly what a new run would give."""
    memo = {} if memo is None else memo
    found = []
    for dep in inputs:
        key = dep_key(dep)
        if key not in memo:
            memo[key] = fingerprint(root, dep)
        if memo[key] != dep.get("fingerprint"):
            found.append(f"{describe(dep)} changed")
    for path, recorded in sorted(outputs.items()):
        now = _file(Path(root), {"path": path})
        if now == "missing":
            found.append(f"its output {path} is missing")
        elif now != recorded:
            found.append(f"its output {path} was altered")
    return found


# --------------------------------------------------------------------------- recording


def _import_machinery(filename: str) -> bool:
    """Whether code in ``filename`` is Python's import system (which lists every folder on
    ``sys.path``, the book's included, to find modules and installed distributions)."""
    if filename.startswith("<frozen"):
        return True
    parts = Path(filename).parts
    return "importlib" in parts or "pkg_resources" in parts or parts[-1:] == ("pkgutil.py",)


class Recorder:
    """Collects what the code running in this process reads and writes inside ``root``."""

    def __init__(self, root: str | os.PathLike, out: str | os.PathLike | None):
        self.root = Path(os.path.abspath(root))
        self._prefixes = tuple(
            {os.path.abspath(root) + os.sep, os.path.realpath(root) + os.sep}
        )
        self.out = Path(out) if out else None
        self.inputs: dict[str, dict] = {}
        self.outputs: set[str] = set()
        self.writes: set[str] = set()
        self.failed_cell: dict | None = None
        self._quiet = 0
        self._busy = False
        self._own = {os.path.realpath(__file__)}
        self._modules_seen: set[str] = set()

    # -- what counts ----------------------------------------------------------------

    def relative(self, path) -> str | None:
        """``path`` relative to the book (posix), or None if it is outside the book."""
        if path is None:
            path = "."
        if isinstance(path, int):
            return None
        path = os.fsdecode(path)
        if not os.path.isabs(path):
            path = os.path.join(os.getcwd(), path)
        path = os.path.normpath(path)
        for prefix in self._prefixes:
            if path.startswith(prefix):
                return path[len(prefix):].replace(os.sep, "/")
            if path + os.sep == prefix:
                return ""
        return None

    @staticmethod
    def ignored(rel: str) -> bool:
        parts = rel.split("/")
        return parts[0] in IGNORED_DIRS or any(p.startswith(".") for p in parts if p)

    def add(self, dep: dict) -> None:
        """Record one dependency with its fingerprint as of now (first sight wins)."""
        key = dep_key(dep)
        if key in self.inputs:
            return
        self._busy = True
        try:
            dep = dict(dep, fingerprint=fingerprint(self.root, dep))
        finally:
            self._busy = False
        self.inputs[key] = dep

    def _open(self, path, mode, flags) -> None:
        rel = self.relative(path)
        if rel is None or self.ignored(rel):
            return
        if isinstance(mode, str):
            writing = any(c in mode for c in "wax+")
        else:
            writing = bool((flags or 0) & _WRITE_FLAGS)
        parts = rel.split("/")
        if parts[0] in OUTPUT_DIRS:
            self.outputs.add(rel)
            return
        if "__pycache__" in parts:
            if writing or not rel.endswith(".pyc"):
                return  # Python caching compiled modules: not the chapter's doing
            try:
                source = importlib.util.source_from_cache(str(self.root / rel))
            except ValueError:
                return
            rel = self.relative(source)
            if rel is None:
                return
        if os.path.realpath(self.root / rel) in self._own:
            return
        if writing:
            self.writes.add(rel)
        elif not self._quiet:
            self.add({"kind": "file", "path": rel})

    def _listdir(self, path) -> None:
        if _import_machinery(sys._getframe(2).f_code.co_filename):
            return  # the import system scanning sys.path, not the chapter looking for files
        rel = self.relative(path)
        if rel is None or self.ignored(rel) or rel.split("/")[0] in OUTPUT_DIRS or self._quiet:
            return
        self.add({"kind": "listing", "path": rel})

    def audit(self, event: str, args: tuple) -> None:
        """The audit hook: sees every ``open`` and directory listing in this process, and
        the loader's own events."""
        if self._busy:
            return
        if event == "open":
            self._open(*args)
        elif event in _LISTING_EVENTS:
            self._listdir(args[0] if args else None)
        elif event == QUIET_EVENT:
            self._quiet += 1 if args[0] else -1
        elif event == READ_EVENT:
            kind, path, details = args
            self.record(kind, path, **details)

    def record(self, kind: str, path, **details) -> None:
        """Record the part ``kind`` of the file at ``path`` (see :data:`FINGERPRINTS`)."""
        if kind not in FINGERPRINTS:
            return
        if kind == "bibkeys":
            details = dict(details, keys=sorted(set(details.get("keys", ()))))
            if not details["keys"]:
                return
        rel = self.relative(path)
        if rel is not None:
            self.add({"kind": kind, "path": rel, **details})

    # -- modules imported before the hook, and the record on disk ----------------------

    def modules(self) -> None:
        """Modules of the book imported without an ``open`` the hook saw (a safety net)."""
        for name, module in list(sys.modules.items()):
            if name in self._modules_seen:
                continue
            self._modules_seen.add(name)
            path = getattr(module, "__file__", None)
            rel = self.relative(path) if isinstance(path, str) else None
            if rel is None or self.ignored(rel) or not rel.endswith(".py"):
                continue
            if os.path.realpath(path) not in self._own:
                self.add({"kind": "file", "path": rel})

    def snapshot(self) -> dict:
        self._busy = True
        try:
            outputs = {rel: _file(self.root, {"path": rel}) for rel in sorted(self.outputs)}
        finally:
            self._busy = False
        return {
            "version": FORMAT_VERSION,
            "inputs": sorted(self.inputs.values(), key=dep_key),
            "outputs": outputs,
            "writes": sorted(self.writes),
            "failed_cell": self.failed_cell,
        }

    def flush(self, *_) -> None:
        """Write what was used so far (after every cell, so a crash loses nothing)."""
        if self.out is None:
            return
        self.modules()
        data = json.dumps(self.snapshot(), indent=1, sort_keys=True)
        self._busy = True
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.out.with_suffix(".tmp")
            temporary.write_text(data, encoding="utf-8")
            os.replace(temporary, self.out)
        finally:
            self._busy = False

    def after_cell(self, result=None) -> None:
        """IPython ``post_run_cell``: note a cell that raised, then write the record."""
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        if error is not None and self.failed_cell is None:
            info = getattr(result, "info", None)
            self.failed_cell = {
                "source": getattr(info, "raw_cell", None),
                "execution_count": getattr(result, "execution_count", None),
                "error": f"{type(error).__name__}: {error}",
            }
        self.flush()


_RECORDER: Recorder | None = None


def active() -> Recorder | None:
    """The recorder of this process, when the build is running a chapter in it."""
    return _RECORDER


def start(root, out, shell=None) -> Recorder:
    """Start recording in this process (once); flush after each IPython cell and at exit."""
    global _RECORDER
    if _RECORDER is None:
        _RECORDER = Recorder(root, out)
        sys.addaudithook(_RECORDER.audit)
        atexit.register(_RECORDER.flush)
        if shell is not None:
            shell.events.register("post_run_cell", _RECORDER.after_cell)
        _RECORDER.flush()
    return _RECORDER


def start_from_environment(shell=None) -> Recorder | None:
    """Start recording if the build asked for it (see :mod:`book_extensions.reexecution`)."""
    root, out = os.environ.get(ENV_ROOT), os.environ.get(ENV_RECORD)
    if not (root and out):
        return None
    return start(root, out, shell)
