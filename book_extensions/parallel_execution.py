"""A Sphinx extension that executes the chapters a build must run several at a time.

Jupyter Book 1 has no ``-j``: myst-nb executes each chapter when Sphinx reads it, one
after the other, although no chapter needs another's results. So, once Sphinx knows
which documents it will read (``env-before-read-docs``), this extension:

1. asks :mod:`book_extensions.reexecution` which of them must run (no current run in
   jupyter-cache; stale runs are dropped there, exactly as for a serial build);
2. executes those chapters ``BOOK_JOBS`` at a time (default: every CPU), each in its own
   kernel, in the chapter's folder, with the chapter's own dependency record, and with
   myst-nb's execution settings (timeout, allow_errors, per-notebook overrides);
3. stores each successful run in jupyter-cache, as myst-nb would have.

myst-nb then reads the chapters in order and finds every run in the cache. A chapter
that fails is not stored: myst-nb runs it again itself, alone, and the build stops
naming the chapter and the cell, exactly as a serial build does. ``BOOK_JOBS=1`` skips
all this, leaving the serial path untouched.

Why not jupyter-cache's own parallel executor: it runs notebooks it has staged in its
project, with one environment for all of them, so each chapter's kernel could not be
told where to record what it reads; and it writes to the cache database from several
processes. Here the kernels run in parallel, while one event loop in the build process
drives them and alone writes to the cache.
"""

from __future__ import annotations

import asyncio
import os
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


async def _execute_all(chapters: list, config, limit: int, kernel_env) -> dict:
    slots = asyncio.Semaphore(limit)

    async def one(pending):
        async with slots:
            logger.info(f"Executing notebook ({limit} at a time)", location=pending.docname)
            outcome = await _execute(pending.notebook, str(Path(pending.uri).parent),
                                     config.execution_timeout, config.execution_allow_errors,
                                     kernel_env(pending))
            return pending, outcome

    return dict((p.docname, (p, o)) for p, o in await asyncio.gather(*map(one, chapters)))


def execute_ahead(app, env, docnames: list[str]) -> None:
    tracker = reexecution.get_tracker(app)
    limit = jobs()
    config = env.mystnb_config
    if tracker is None or limit == 1 or config.execution_in_temp or config.execution_excludepatterns:
        return  # settings this extension does not reproduce: myst-nb runs every chapter
    due = [p for p in (tracker.prepare(docname) for docname in docnames) if p and not p.cached]
    if len(due) < 2:
        return  # nothing to gain: myst-nb runs a single chapter as fast
    from jupyter_cache.base import CacheBundleIn

    results = asyncio.run(_execute_all(due, config, min(limit, len(due)), tracker.kernel_env))
    cache = tracker.cache()
    for docname, (pending, (succeeded, seconds)) in sorted(results.items()):
        if not succeeded:
            logger.info("Executing notebook failed; it runs again alone, to report where",
                        location=docname)
            continue
        record = cache.cache_notebook_bundle(
            CacheBundleIn(pending.notebook, pending.uri, data={"execution_seconds": seconds}),
            check_validity=False, overwrite=True)
        run = tracker._read(tracker.run_path(pending.hashkey))
        if run is not None:  # else the run counts as stale and myst-nb runs it again
            tracker.store_record(docname, record.hashkey, run)
        tracker.ran_ahead.add(docname)
        logger.info(f"Executed notebook in {seconds:.2f} seconds", location=docname)


def setup(app):
    app.setup_extension("book_extensions.reexecution")
    app.connect("env-before-read-docs", execute_ahead, priority=900)  # after every reordering
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
