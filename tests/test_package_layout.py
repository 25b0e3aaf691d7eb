"""The shape of the code: content code that chapters import (als_explainer) never pulls in
build code (Sphinx, docutils, myst-nb, jupyter-cache, book_extensions)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import als_explainer
from conftest import ROOT

BUILD_PACKAGES = ("sphinx", "docutils", "myst_nb", "myst_parser", "jupyter_cache", "book_extensions")


def test_content_modules_never_import_build_code():
    modules = [f"als_explainer.{m.name}" for m in pkgutil.iter_modules(als_explainer.__path__)]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({BUILD_PACKAGES!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"content code imported build code: {result.stdout}"
    assert len(modules) >= 8, modules
