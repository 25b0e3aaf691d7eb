"""The programs the tests run, each with the Debian package that provides it. A test that
runs a program finds it here (``tool``), so a new one joins this list, and
tests/test_system_packages.py checks that each comes from the base image or from
scripts/debian-packages.txt."""

from __future__ import annotations

import shutil

import pytest

TOOLS = {
    "chromium": "chromium",          # tests/browser_support.py (Playwright drives it)
    "pdftotext": "poppler-utils",    # the PDF edition's text, read a second way
    "pdffonts": "poppler-utils",     # ...and the fonts it embeds
    "node": "nodejs",                # tests/js under node --test
    "npm": "nodejs",                 # axe-core's and the previews' pinned installs
    "git": "git",                    # the shared build's fresh clone
    "unshare": "util-linux",         # the offline sandbox
    "ip": "iproute2",                # ...and its loopback
    "dpkg-query": "dpkg",            # tests/test_system_packages.py
    "java": "openjdk-17-jre-headless",  # runs Debian's epubcheck jar (tests/test_epub.py)
}


def tool(name: str) -> str:
    """The path of ``name``; a clear failure when it is missing."""
    assert name in TOOLS, f"{name} is not in tests/system_tools.py: add it with its Debian package"
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `bash scripts/system-packages.sh` installs Debian's "
                    f"{TOOLS[name]}", pytrace=False)
    return path
