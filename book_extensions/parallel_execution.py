"""Run the chapters a build must run side by side, before Sphinx reads them.

Once Sphinx knows which pages it will read (``env-before-read-docs``), the chapters among
them with no current run go to jupyter-cache's own parallel executor (``local-parallel``),
added to its project with myst-nb's reader plugin so that each is hashed as myst-nb
hashes it; myst-nb then finds every run in the cache. A chapter that fails is not cached:
myst-nb runs it again alone and the build stops naming chapter and cell.
``BOOK_JOBS=1`` runs chapters one by one (myst-nb alone). See the editing guide,
"Chapters run side by side".
"""

import os

from sphinx.errors import ConfigError
from sphinx.util import logging

from .reexecution import cache_folder, chapters_with_code

logger = logging.getLogger(__name__)

ENV_JOBS = "BOOK_JOBS"
READER = {"name": "myst_nb_md", "type": "plugin"}  # myst-nb's entry point for jupyter-cache


def side_by_side() -> bool:
    """Whether chapters run side by side: yes, unless ``$BOOK_JOBS`` is 1."""
    value = os.environ.get(ENV_JOBS, "").strip()
    if value and (not value.isdigit() or int(value) < 1):
        raise ConfigError(f"{ENV_JOBS}={value!r}: give 1 to run chapters one by one, "
                          "or leave it unset to run them side by side")
    return value != "1"


def execute_ahead(app, env, docnames: list[str]) -> None:
    """Run, side by side, every chapter this build reads that has no current run."""
    config = app.config
    if config.nb_execution_mode != "cache" or config.nb_execution_in_temp \
            or config.nb_execution_excludepatterns or not side_by_side():
        return  # settings this extension does not reproduce: myst-nb runs every chapter
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_folder(app)))
    chapters = chapters_with_code(env, docnames)
    staged = {cache.add_nb_to_project(str(path), read_data=READER).pk: docname
              for docname, path in chapters.items()}
    due = [record.pk for record in cache.list_unexecuted(filter_pks=list(staged))]
    if len(due) < 2:
        return  # nothing to gain: myst-nb runs a single chapter as fast
    at_once = min(os.cpu_count() or 1, len(due))
    for pk in due:
        logger.info(f"Executing notebook ({at_once} at a time)", location=staged[pk])
    result = load_executor("local-parallel", cache).run_and_cache(
        filter_pks=due, timeout=config.nb_execution_timeout,
        allow_errors=config.nb_execution_allow_errors)
    by_path = {str(path): docname for docname, path in chapters.items()}
    for uri in [*result.excepted, *result.errored]:
        logger.info("Executing notebook failed; it runs again alone, to report where",
                    location=by_path.get(uri))
    app.emit("book-chapters-ran", [staged[pk] for pk in due])


def setup(app):
    app.setup_extension("book_extensions.reexecution")  # drops stale runs first
    app.setup_extension("book_extensions.run_reports")  # declares book-chapters-ran
    app.connect("env-before-read-docs", execute_ahead)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
