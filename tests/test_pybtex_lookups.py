"""book_extensions.pybtex_lookups: pybtex scans the installed packages once per plugin."""

from __future__ import annotations

import pybtex.plugin
import pytest

from book_extensions import pybtex_lookups
from book_extensions.citation_style import STYLE  # registers its styles (and scans) at import


@pytest.fixture
def counted(monkeypatch):
    """The extension installed over a counting stand-in for the real scan."""
    calls, real = [], pybtex_lookups._scan

    def scan(*, group, name):
        calls.append((group, name))
        return real(group=group, name=name)

    monkeypatch.setattr(pybtex_lookups, "_scan", scan)
    monkeypatch.setattr(pybtex.plugin, "entry_points", pybtex.plugin.entry_points)
    pybtex_lookups._scanned.cache_clear()
    pybtex_lookups.setup(None)
    yield calls
    pybtex_lookups._scanned.cache_clear()


def test_a_plugin_is_found_as_before_and_scanned_for_once(counted):
    first = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    for _ in range(5):
        assert pybtex.plugin.find_plugin("pybtex.backends", "plaintext") is first
    assert first.__name__ == "Backend" and first.__module__ == "pybtex.backends.plaintext"
    assert counted == [("pybtex.backends", "plaintext")]


def test_plugins_registered_at_run_time_still_come_first(counted):
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", STYLE)
    assert style.__module__ == "book_extensions.citation_style"
    assert counted == []  # found among the registered plugins, no scan needed


def test_an_unknown_plugin_is_still_refused(counted):
    with pytest.raises(pybtex.plugin.PluginNotFound):
        pybtex.plugin.find_plugin("pybtex.backends", "no-such-backend")
