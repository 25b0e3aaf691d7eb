"""A Sphinx extension with the repairs the built pages need for readers and screen readers.

Registered in ``_config.yml`` (``sphinx: extra_extensions``). Each repair answers a
failure that the browser tests (``tests/test_browser.py``) found on a fresh site:

1. **Bibliography list semantics.** docutils writes a citation list as
   ``<div role="list">`` whose entries carry ``role="doc-biblioentry"``, a role that
   DPUB-ARIA 1.1 deprecated and that is not a list item, so axe-core reports
   ``aria-required-children`` (critical) on the bibliography. The entries become
   ``role="listitem"``: the list is then a list of items, as the markup means.
2. **Labels that hide visible text.** myst-nb labels the "Show code cell source"
   toggle ``aria-label="Toggle hidden content"``, so a speech-input user who says the
   words on screen hits nothing (WCAG 2.5.3, axe ``label-content-name-mismatch``,
   serious). The label is dropped and the summary is named by its visible text. The
   theme's search field and colour-mode button have the same fault; they are fixed by
   the templates in ``book_extensions/templates/``, which this extension puts
   first on the template path.
3. **Scripts added twice.** sphinx-thebe and sphinx-togglebutton add inline scripts
   (``const THEBE_JS_URL = ...``) once more when Sphinx re-registers assets, and the
   second ``const`` throws "Identifier has already been declared" on every page. Each
   script is kept once, the first time it appears.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"

_BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')
_SUMMARY_LABEL = re.compile(r'<summary aria-label="Toggle hidden content">')


def fix_body(body: str) -> str:
    """The page body with the list and label repairs above applied."""
    body = _BIBLIOENTRY.sub(r'\1 role="listitem"', body)
    return _SUMMARY_LABEL.sub("<summary>", body)


def unique_scripts(scripts) -> list:
    """``scripts`` (Sphinx's ``_JavaScript`` assets) without repeats, first one kept.

    Two assets are the same script when they load the same file, or carry the same
    inline body, with the same attributes (Sphinx itself sees ``None`` and ``""`` as two
    different file names, which is how the repeats slip through).
    """
    seen, kept = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (getattr(script, "filename", script) or "",
               tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _config_inited(app, config) -> None:
    # Absolute paths are kept as they are by Sphinx's template loader.
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = fix_body(context["body"])
    if "script_files" in context:
        context["script_files"] = unique_scripts(context["script_files"])


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context, priority=900)  # after the other extensions
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
