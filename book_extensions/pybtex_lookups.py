"""pybtex's plugin lookups, remembered for the build.

sphinxcontrib-bibtex asks pybtex for a plugin (the plain-text backend, the citation
style) on every citation it resolves, and pybtex answers each request by scanning the
entry points of every installed distribution (``importlib.metadata.entry_points``): about
15 ms a time, so some 10 s of every full build of this book's 650-odd citations, spent
in one single-threaded step that parallel execution cannot shorten. The installed
distributions do not change during a build, so each ``(group, name)`` scan is done once.
Plugins registered at run time (``pybtex.plugin.register_plugin``, as
``citation_style`` does) are still looked up first, on every call, by pybtex itself.
"""

from __future__ import annotations

from functools import cache

import pybtex.plugin

_scan = pybtex.plugin.entry_points  # what pybtex calls: importlib(_)metadata.entry_points


@cache
def _scanned(group: str, name: str) -> tuple:
    return tuple(_scan(group=group, name=name))


def entry_points(*, group: str, name: str) -> tuple:
    """pybtex's ``entry_points(group=..., name=...)``, scanned once per pair."""
    return _scanned(group, name)


def setup(app):
    pybtex.plugin.entry_points = entry_points
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
