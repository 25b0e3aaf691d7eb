"""The shape of the code: content code that chapters import (als_explainer) never pulls in
build code (Sphinx, docutils, myst-nb, jupyter-cache, book_extensions); and ``pip install .``
ships both packages whole, templates and static files included."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import zipfile

import als_explainer

from conftest import ROOT

PACKAGES = ("als_explainer", "book_extensions")
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


def test_the_wheel_ships_every_file_both_packages_need(tmp_path):
    # Built from a copy, so the build's scratch folders never land in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=skip)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [wheel] = (tmp_path / "dist").glob("*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    needed = {path.relative_to(source).as_posix() for package in PACKAGES
              for path in (source / package).rglob("*") if path.is_file()}
    assert {"book_extensions/templates/theme-switcher.html",
            "book_extensions/static/sortable-table.js"} <= needed
    assert needed <= shipped, f"missing from the wheel: {sorted(needed - shipped)}"
