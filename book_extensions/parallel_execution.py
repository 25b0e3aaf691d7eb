"""A Sphinx extension that executes the chapters a build must run several at a time.

Jupyter Book 1 has no ``-j``: myst-nb executes each chapter when Sphinx reads it, one
after the other, although no chapter needs another's results. So, once Sphinx knows
which documents it will read (``env-before-read-docs``), this extension:

1. asks :mod:`book_extensions.reexecution` which of them must run (no current run in
   jupyter-cache; stale runs are dropped there, exactly as for a serial build);
2. starts running those chapters in a background thread, ``BOOK_JOBS`` at a time
   (default: every CPU), in the order Sphinx reads them, each in its own kernel, in the
   chapter's folder, with the chapter's own dependency record, and with myst-nb's
   execution settings (timeout, allow_errors, per-notebook overrides), while Sphinx
   goes on reading the pages before them;
3. when Sphinx comes to such a chapter (``source-read``), waits for its run and stores
   it in jupyter-cache, as myst-nb would have; myst-nb then finds it there.

A chapter that fails is not stored: myst-nb runs it again itself, alone, and the build
stops naming the chapter and the cell, exactly as a serial build does. ``BOOK_JOBS=1``
skips all this, leaving the serial path untouched.

Why not jupyter-cache's own parallel executor: it runs notebooks it has staged in its
project, with one environment for all of them, so each chapter's kernel could not be
told where to record what it reads; and it writes to the cache database from several
processes. Here the kernels run in parallel, while Sphinx's own thread alone writes to
the cache.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

from . import reexecution

logger = logging.getLogger(__name__)

ENV_JOBS = "BOOK_JOBS"


def jobs() -> int:
    """How many chapters run at a time: ``$BOOK_JOBS``, else the CPUs this process may use."""
    value = os.environ.get(ENV_JOBS, "").strip()
    if not value:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{ENV_JOBS}={value!r}: give the number of chapters to run at a time (1 or more)")
    return int(value)


async def _execute(notebook, cwd: str, timeout, allow_errors: bool, env: dict) -> tuple[bool, float]:
    """Run every cell of ``notebook`` in a new kernel, as myst-nb's cache mode does
    (jupyter_cache.executors.utils.single_nb_execution), with ``env`` for the kernel."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    overrides = notebook.metadata.get("execution", {})
    client = NotebookClient(notebook, timeout=overrides.get("timeout", timeout),
                            allow_errors=overrides.get("allow_errors", allow_errors),
                            record_timing=False, resources={"metadata": {"path": cwd}})
    start = time.perf_counter()
    try:
        await client.async_execute(env=env)
    except (CellExecutionError, CellTimeoutError):
        return False, time.perf_counter() - start
    return True, time.perf_counter() - start


class RunAhead:
    """Chapters running in a background thread (one event loop driving their kernels,
    ``limit`` at a time, in the order Sphinx will read them) while Sphinx goes on."""

    def __init__(self, due: list, config, limit: int, kernel_env):
        self.due = {pending.docname: pending for pending in due}
        self.done: dict[str, tuple[bool, float]] = {}
        self._changed = threading.Condition()
        self._tasks: list = []
        self._loop = None
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._run_all(config, limit, kernel_env),),
            name="book-chapters", daemon=True)
        self._thread.start()

    async def _run_all(self, config, limit: int, kernel_env) -> None:
        self._loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(limit)  # first come, first served: in reading order

        async def one(pending):
            outcome, start = (False, 0.0), time.perf_counter()
            try:
                async with slots:
                    outcome = await _execute(pending.notebook, str(Path(pending.uri).parent),
                                             config.execution_timeout,
                                             config.execution_allow_errors, kernel_env(pending))
            except BaseException:  # a dead kernel, cancelled: myst-nb runs it again
                outcome = (False, time.perf_counter() - start)
                raise
            finally:
                with self._changed:
                    self.done[pending.docname] = outcome
                    self._changed.notify_all()

        self._tasks = [asyncio.ensure_future(one(p)) for p in self.due.values()]
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def wait(self, docname: str) -> tuple[bool, float]:
        with self._changed:
            self._changed.wait_for(lambda: docname in self.done)
            return self.done[docname]

    def stop(self) -> None:
        """Cancel what still runs (the build ended early) and wait for the kernels to stop."""
        if self._thread.is_alive() and self._loop is not None:
            self._loop.call_soon_threadsafe(lambda: [task.cancel() for task in self._tasks])
        self._thread.join(timeout=120)


def execute_ahead(app, env, docnames: list[str]) -> None:
    """Start running, in the background, every chapter this build must run."""
    tracker = reexecution.get_tracker(app)
    limit = jobs()
    config = env.mystnb_config
    if tracker is None or limit == 1 or config.execution_in_temp or config.execution_excludepatterns:
        return  # settings this extension does not reproduce: myst-nb runs every chapter
    due = [p for p in (tracker.prepare(docname) for docname in docnames) if p and not p.cached]
    if len(due) < 2:
        return  # nothing to gain: myst-nb runs a single chapter as fast
    limit = min(limit, len(due))
    for pending in due:
        logger.info(f"Executing notebook ({limit} at a time)", location=pending.docname)
    app._book_run_ahead = RunAhead(due, config, limit, tracker.kernel_env)


def collect(app, docname: str, source: list[str]) -> None:
    """Before myst-nb reads a chapter that runs ahead: wait for it, and cache its run
    (only this thread writes to jupyter-cache)."""
    ahead = getattr(app, "_book_run_ahead", None)
    if ahead is None or docname not in ahead.due:
        return
    succeeded, seconds = ahead.wait(docname)
    if not succeeded:
        logger.info("Executing notebook failed; it runs again alone, to report where",
                    location=docname)
        return
    from jupyter_cache.base import CacheBundleIn

    tracker, pending = reexecution.get_tracker(app), ahead.due[docname]
    record = tracker.cache().cache_notebook_bundle(
        CacheBundleIn(pending.notebook, pending.uri, data={"execution_seconds": seconds}),
        check_validity=False, overwrite=True)
    run = tracker._read(tracker.run_path(pending.hashkey))
    if run is not None:  # else the run counts as stale and myst-nb runs it again
        tracker.store_record(docname, record.hashkey, run)
    tracker.ran_ahead.add(docname)
    logger.info(f"Executed notebook in {seconds:.2f} seconds", location=docname)


def stop(app, exception) -> None:
    ahead = getattr(app, "_book_run_ahead", None)
    if ahead is not None:
        ahead.stop()


def setup(app):
    app.setup_extension("book_extensions.reexecution")
    app.connect("env-before-read-docs", execute_ahead, priority=900)  # after every reordering
    app.connect("source-read", collect, priority=400)  # before reexecution's source_read
    app.connect("build-finished", stop)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
