"""Run a chapter again when what its code reads has changed, not only when its code has.

jupyter-cache recognises a run by a hash of the code cells alone (MyST-NB #299, #621,
jupyter-book #1633). So before Sphinx reads anything (``env-get-outdated``), this compares
each chapter's inputs (:mod:`book_extensions.inputs`) with those kept in
``book-inputs.json`` beside jupyter-cache's database; for a chapter whose inputs differ,
it removes the chapter's runs (jupyter-cache's public ``remove_cache``), says why, and
returns it as outdated, so myst-nb runs it. The editing guide follows one data file
through this ("How a data edit reaches a chapter, in the code").
"""

import json
import os
from pathlib import Path

from myst_nb.core.read import is_myst_markdown_notebook
from sphinx.util import logging

from .inputs import Book

logger = logging.getLogger(__name__)

STORE = "book-inputs.json"


def cache_folder(app) -> Path:
    """jupyter-cache's folder, as myst-nb chooses it (``nb_execution_cache_path``)."""
    return Path(app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")


def chapters_with_code(env, docnames) -> dict[str, Path]:
    """Of ``docnames``, the pages that are notebooks (MyST Markdown), with their files."""
    paths = {docname: Path(env.doc2path(docname)).absolute() for docname in sorted(docnames)}
    return {docname: path for docname, path in paths.items()
            if path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))}


def stale_chapters(app, env, added, changed, removed) -> list[str]:
    """Drop the cached runs of every chapter whose inputs changed; return the ones whose
    text did not change, for Sphinx to read again."""
    if app.config.nb_execution_mode != "cache":
        return []  # nothing is cached, so nothing can be stale
    from jupyter_cache import get_cache

    folder = cache_folder(app)
    cache = get_cache(str(folder))
    store = folder / STORE
    kept = json.loads(store.read_text(encoding="utf-8")) if store.is_file() else {}
    runs: dict[str, list[int]] = {}
    for record in cache.list_cache_records():
        runs.setdefault(record.uri, []).append(record.pk)
    bibfiles = app.config.bibtex_bibfiles if "bibtex_bibfiles" in app.config else []
    book = Book(Path(app.srcdir), app.config.book_content_package, bibfiles)
    now, outdated, drawers = {}, [], {}
    for docname, path in chapters_with_code(env, env.found_docs - set(removed)).items():
        uri = str(path)
        now[uri], charts = book.chapter(path.read_text(encoding="utf-8"))
        for chart in charts:
            drawers.setdefault(chart, []).append(docname)
        why = [f"{name} changed" for name, value in now[uri].items() if kept.get(uri, {}).get(name) != value]
        why += [f"its chart figures/{chart}.svg is missing" for chart in charts
                if not (Path(app.srcdir) / "figures" / f"{chart}.svg").is_file()]
        if not why and kept.get(uri) == now[uri]:
            continue
        for pk in runs.get(uri, []):
            try:
                cache.remove_cache(pk)
            except KeyError:  # its notebook file was deleted by hand; only a clean start helps
                logger.warning(f"jupyter-cache's run {pk} has lost its notebook file: start "
                               "afresh with `jupyter-book clean --all .`", location=docname)
        if uri in kept and runs.get(uri):
            logger.info(f"[inputs] {docname}: {'; '.join(why)}; running it again")
        if docname not in added and docname not in changed:
            outdated.append(docname)
    for chart, docnames in sorted(drawers.items()):
        if len(docnames) > 1:  # they would overwrite each other's copy on every build
            logger.warning(f"figures/{chart}.svg is written by {' and '.join(docnames)}: give each "
                           "chart its own name in publish()", location=docnames[-1])
    # Written whole, then renamed: a build reading it meanwhile (the PDF and EPUB editions
    # may be built at once) never sees half a file.
    partial = store.with_name(f"{store.name}.{os.getpid()}")
    partial.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, store)
    return outdated


def setup(app):
    app.add_config_value("book_content_package", "als_explainer", "env", types=[str])
    app.connect("env-get-outdated", stale_chapters)
    # Its one state is a file the main process writes before any page is read.
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
