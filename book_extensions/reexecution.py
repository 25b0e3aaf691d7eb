"""A Sphinx extension that re-runs exactly the chapters whose inputs changed.

Registered in ``_config.yml`` under ``sphinx: extra_extensions``. With
``execute_notebooks: cache``, myst-nb asks jupyter-cache whether a chapter has run
before, and jupyter-cache answers from a hash of the chapter's code cells alone. So
this extension adds what that hash leaves out, using what each chapter's kernel
recorded about itself (see :mod:`book_extensions.dependencies`):

1. Before Sphinx reads anything (``env-get-outdated``), every chapter whose recorded
   inputs (data files, schema entries, source keys, package modules, any other file it
   read) changed, or whose chart in ``figures/`` is missing or altered, is marked
   outdated, so Sphinx reads it again even though its own text did not change.
2. Just before myst-nb executes a chapter (``source-read``), every cached run of that
   chapter that is no longer current is removed from jupyter-cache, so myst-nb runs
   the chapter instead of serving the stale run. A cached run whose inputs were never
   recorded counts as stale: when in doubt, the chapter runs.
3. While the chapter runs, its kernel records what it reads (the build points the
   kernel at a startup file under ``_build/``); after the run (``doctree-read``) that
   record is stored next to the cache record it describes.

A code edit changes the jupyter-cache hash and a prose edit does not, so jupyter-cache
still handles those two alone. Everything this extension writes lives in the
jupyter-cache folder (``_build/.jupyter_cache/als-dependencies/``): clearing the cache
clears it too. When a cell raises, the build's last words name the chapter, the cell
and its line, and the error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from datetime import timezone
from pathlib import Path

from sphinx.util import logging

from . import dependencies

logger = logging.getLogger(__name__)

STATE_DIR = "als-dependencies"
_STARTUP = '''\
# Written by book_extensions.reexecution for the Jupyter kernels of one book build.
# It starts recording which files the chapter reads (book_extensions.dependencies).
def _als_record_dependencies():
    import importlib.util
    import os
    import sys

    spec = importlib.util.find_spec("book_extensions")
    folder = os.path.dirname(spec.origin) if spec and spec.origin else {fallback!r}
    name = "book_extensions.dependencies"
    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, "dependencies.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    module.start_from_environment(get_ipython())


try:
    _als_record_dependencies()
finally:
    del _als_record_dependencies
'''


@dataclasses.dataclass
class Pending:
    """A chapter that myst-nb is about to read: run from the cache or executed."""

    hashkey: str
    uri: str
    cached: bool
    notebook: object
    started: float


class Tracker:
    """The dependency records of one book, stored beside its jupyter-cache."""

    def __init__(self, app):
        self.app = app
        self.root = Path(app.srcdir)
        self.cache_path = Path(app.env.mystnb_config.execution_cache_path)
        self.state = self.cache_path / STATE_DIR
        self.pending: dict[str, Pending] = {}
        self._saved_environ: dict[str, str | None] = {}
        self._memo: dict = {}

    # -- files ---------------------------------------------------------------------

    def _read(self, path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def _write(self, path: Path, data) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)

    def record_path(self, hashkey: str) -> Path:
        return self.state / "records" / f"{hashkey}.json"

    def doc_path(self, docname: str) -> Path:
        return self.state / "docs" / f"{docname}.json"

    def run_path(self, hashkey: str) -> Path:
        return self.state / "runs" / f"{hashkey}.json"

    def record(self, hashkey: str) -> dict | None:
        record = self._read(self.record_path(hashkey))
        if record and record.get("version") == dependencies.FORMAT_VERSION:
            return record
        return None

    def doc(self, docname: str) -> dict | None:
        return self._read(self.doc_path(docname))

    # -- judgement -----------------------------------------------------------------

    def changes(self, hashkey: str) -> list[str]:
        """Why the cached run ``hashkey`` is stale (empty if it is current)."""
        record = self.record(hashkey)
        if record is None:
            return ["what it read when it last ran was not recorded"]
        return dependencies.changes(self.root, record["inputs"], record["outputs"], self._memo)

    def cache(self):
        from jupyter_cache import get_cache

        return get_cache(str(self.cache_path))

    # -- environment of the kernels ------------------------------------------------------

    def set_environ(self, name: str, value: str | None) -> None:
        if name not in self._saved_environ:
            self._saved_environ[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def restore_environ(self) -> None:
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ.clear()


def _tracker(app) -> Tracker | None:
    return getattr(app, "_als_dependency_tracker", None)


def _relative(app, docname: str) -> str:
    return Path(app.env.doc2path(docname)).relative_to(app.srcdir).as_posix()


# --------------------------------------------------------------------------- events


def builder_inited(app) -> None:
    config = getattr(app.env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache":
        return  # nothing is cached, so nothing can be stale
    tracker = Tracker(app)
    app._als_dependency_tracker = tracker
    startup = tracker.state / "kernel_startup.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    text = _STARTUP.format(fallback=str(Path(__file__).resolve().parent))
    if not startup.exists() or startup.read_text(encoding="utf-8") != text:
        startup.write_text(text, encoding="utf-8")
    # IPython kernels run $PYTHONSTARTUP before the first cell; only kernels that this
    # build starts see these variables, and they are restored when the build ends.
    tracker.set_environ("PYTHONSTARTUP", str(startup))
    tracker.set_environ(dependencies.ENV_ROOT, str(tracker.root))
    tracker.set_environ(dependencies.ENV_RECORD, None)


def env_get_outdated(app, env, added, changed, removed) -> list[str]:
    """Chapters whose text is unchanged but whose inputs or charts changed."""
    tracker = _tracker(app)
    if tracker is None:
        return []
    from myst_nb.sphinx_ import NbMetadataCollector

    outdated = []
    for docname in sorted(set(env.all_docs) - set(changed) - set(removed)):
        doc = tracker.doc(docname)
        if doc is None:
            if NbMetadataCollector.get_exec_data(env, docname):
                outdated.append(docname)  # it ran before its inputs were recorded
            continue
        if tracker.changes(doc["record"]):
            outdated.append(docname)  # source_read() says why, when it drops the cached run
    return outdated


def bibliography_changed(app, env, added, changed, removed) -> list[str]:
    """Every page, when references.bib changed: Sphinx would keep serving old labels and
    titles, because sphinxcontrib-bibtex does not mark citing pages outdated. Re-reading
    pages costs little (a page's code re-runs only if its own inputs changed)."""
    digest = hashlib.sha256()
    for name in app.config.bibtex_bibfiles:
        digest.update((Path(app.srcdir) / name).read_bytes())
    previous = getattr(env, "als_bibliography_digest", None)
    env.als_bibliography_digest = digest.hexdigest()
    if previous == env.als_bibliography_digest or not env.all_docs:
        return []  # unchanged, or a fresh environment that reads every page anyway
    # (No digest in an existing environment: it predates this check, so re-read once.)
    return sorted(set(env.all_docs) - set(changed) - set(removed))


def source_read(app, docname: str, source: list[str]) -> None:
    """Drop every stale cached run of this chapter, and prepare its kernel's record."""
    tracker = _tracker(app)
    if tracker is None:
        return
    from myst_nb.core.read import create_nb_reader

    env = app.env
    config = env.mystnb_config
    path = str(Path(env.doc2path(docname)))
    reader = create_nb_reader(path, env.myst_config, config, source[0])
    if reader is None:
        return  # a plain page: nothing runs
    notebook = reader.read(source[0])
    overrides = notebook.metadata.get(config.metadata_key, {})
    if overrides.get("execution_mode", config.execution_mode) != "cache":
        return
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None:  # the same aliasing myst-nb applies before hashing
        import re

        for pattern, alias in (config.kernel_rgx_aliases or {}).items():
            if re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break

    cache = tracker.cache()
    _, hashkey = cache.create_hashed_notebook(notebook)
    cached = False
    for record in cache.list_cache_records():
        if record.uri != path and record.hashkey != hashkey:
            continue
        reasons = tracker.changes(record.hashkey)
        if reasons:
            _remove(cache, record)
            if record.hashkey == hashkey:
                logger.info(f"[dependencies] {docname}: {'; '.join(reasons)}; running it again")
        elif record.hashkey == hashkey:
            cached = True

    run = tracker.run_path(hashkey)
    run.unlink(missing_ok=True)
    tracker.pending[docname] = Pending(hashkey, path, cached, notebook, time.time())
    # Set even for a cached run: should myst-nb execute it after all, it is recorded.
    tracker.set_environ(dependencies.ENV_RECORD, str(run))


def _remove(cache, record) -> None:
    from jupyter_cache.cache.db import NbCacheRecord

    try:
        cache.remove_cache(record.pk)
    except KeyError:  # its notebook file is already gone: drop the database row
        NbCacheRecord.remove_records([record.pk], cache.db)


def doctree_read(app, doctree) -> None:
    """After a chapter ran, store what its kernel recorded next to its cache record."""
    tracker = _tracker(app)
    if tracker is None:
        return
    docname = app.env.docname
    tracker.set_environ(dependencies.ENV_RECORD, None)
    pending = tracker.pending.pop(docname, None)
    if pending is None:
        return
    cache = tracker.cache()
    records = [r for r in cache.list_cache_records()
               if r.hashkey == pending.hashkey or r.uri == pending.uri]
    current = next((r for r in records if r.hashkey == pending.hashkey), None)
    run_file = tracker.run_path(pending.hashkey)
    run = tracker._read(run_file)
    if run is not None:
        if current is None:
            # The executed notebook was cached under another hash than the one computed
            # before the run: take the run that was cached during this read.
            fresh = [r for r in records if r.uri == pending.uri
                     and r.created.replace(tzinfo=timezone.utc).timestamp() >= pending.started - 1]
            current = max(fresh, key=lambda r: r.created, default=None)
        if current is not None:
            tracker._write(tracker.record_path(current.hashkey),
                           {"doc": docname, "source": _relative(app, docname), **run})
        for path in run.get("writes", []):
            logger.warning(f"{_relative(app, docname)} wrote {path} while it ran; the build "
                           "may only write charts into figures/ (through publish()) and "
                           "files under _build/", location=docname)
        run_file.unlink(missing_ok=True)
    elif current is not None and not pending.cached:
        logger.warning(f"{_relative(app, docname)} ran, but what it read was not recorded "
                       "(its kernel did not start the dependency recorder); it will run "
                       "again on every build", location=docname)
    if current is not None:
        tracker._write(tracker.doc_path(docname), {"record": current.hashkey})


def check_consistency(app, env) -> None:
    """Two chapters writing the same chart would overwrite each other on every build."""
    tracker = _tracker(app)
    if tracker is None:
        return
    writers: dict[str, list[str]] = {}
    for docname in sorted(env.all_docs):
        doc = tracker.doc(docname)
        record = tracker.record(doc["record"]) if doc else None
        for path in (record or {}).get("outputs", {}):
            writers.setdefault(path, []).append(docname)
    for path, docnames in sorted(writers.items()):
        if len(docnames) > 1:
            logger.warning(f"{path} is written by {' and '.join(docnames)}: give each chart "
                           "its own name in publish()", location=docnames[-1])


def build_finished(app, exception) -> None:
    tracker = _tracker(app)
    if tracker is None:
        return
    tracker.restore_environ()
    if exception is not None:
        for docname, pending in tracker.pending.items():
            _report_failed_cell(app, tracker, docname, pending)
        return
    _prune(app, tracker)


def _report_failed_cell(app, tracker: Tracker, docname: str, pending: Pending) -> None:
    """Name the chapter, cell, line and error of a chapter that stopped the build."""
    run = tracker._read(tracker.run_path(pending.hashkey)) or {}
    failed = run.get("failed_cell")
    if not failed:
        return
    cells = [(i, c) for i, c in enumerate(pending.notebook.cells) if c.cell_type == "code"]
    number = next((n for n, (_, c) in enumerate(cells, 1) if c.source == failed.get("source")),
                  failed.get("execution_count"))
    line = ""
    source_map = pending.notebook.metadata.get("source_map")  # 1-based line of each cell
    if number and source_map and 0 < number <= len(cells):
        line = f" (line {source_map[cells[number - 1][0]]})"
    logger.error(f"The build stopped: {_relative(app, docname)}, code cell {number}{line} "
                 f"raised {failed.get('error')}")


def _prune(app, tracker: Tracker) -> None:
    """Forget records of cached runs that jupyter-cache dropped, and of deleted pages."""
    known = {r.hashkey for r in tracker.cache().list_cache_records()}
    for path in (tracker.state / "records").glob("*.json"):
        if path.stem not in known:
            path.unlink(missing_ok=True)
    docs = tracker.state / "docs"
    for path in docs.rglob("*.json"):
        docname = path.relative_to(docs).with_suffix("").as_posix()
        if docname not in app.env.all_docs:
            path.unlink(missing_ok=True)


def setup(app):
    app.connect("builder-inited", builder_inited, priority=900)  # after myst-nb's config
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("env-get-outdated", bibliography_changed)
    app.connect("source-read", source_read)
    app.connect("doctree-read", doctree_read)
    app.connect("env-check-consistency", check_consistency)
    app.connect("build-finished", build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
