"""Shared fixtures: scratch copies of the book, and one strict build for every HTML test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from als_explainer.paths import page_source as _page_source
from als_explainer.paths import toc_pages

ROOT = Path(__file__).resolve().parents[1]
# The jupyter-book next to this interpreter, so tests use the environment they run in.
JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
# Never copied into a scratch book: build output, caches, tooling.
SKIP = shutil.ignore_patterns("_build", ".git", "node_modules", ".pytest_cache", "__pycache__",
                              "*.egg-info", ".venv", "venv", "*.svg")


def copy_book(target: Path) -> Path:
    """A full copy of the book's sources at ``target`` (no build output, no figures)."""
    shutil.copytree(ROOT, target, ignore=SKIP)
    return target


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page in _toc.yml, as a path without suffix, root page first."""
    return toc_pages(root)


def page_source(page: str, root: Path = ROOT) -> Path:
    return _page_source(page, root)


def run_build(book: Path, *extra: str) -> subprocess.CompletedProcess:
    """``jupyter-book build -W -n --keep-going`` on ``book``; output captured for messages."""
    return subprocess.run(
        [JUPYTER_BOOK, "build", "-W", "-n", "--keep-going", *extra, str(book)],
        capture_output=True, text=True, timeout=1800,
    )


def snapshot(book: Path) -> dict[str, bytes]:
    """Every source file of a book (not build output or figures) and its bytes."""
    return {
        p.relative_to(book).as_posix(): p.read_bytes()
        for p in book.rglob("*")
        if p.is_file() and not {"_build", "figures", "__pycache__"} & set(p.relative_to(book).parts)
    }


# Sources of each scratch book as they were just before it was built.
SOURCES_BEFORE_BUILD: dict[Path, dict[str, bytes]] = {}


@pytest.fixture
def scratch(tmp_path) -> Path:
    """The files the data loaders read (data/, references.bib, _config.yml), copied so a
    test can break them without touching the book."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    return tmp_path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """One cold, strict build of a scratch copy of the book, shared by every HTML test."""
    book = copy_book(tmp_path_factory.mktemp("book") / "book")
    SOURCES_BEFORE_BUILD[book] = snapshot(book)
    result = run_build(book)
    if result.returncode != 0:
        pytest.fail(
            "strict build failed (jupyter-book build -W -n --keep-going):\n"
            + result.stdout[-6000:] + result.stderr[-6000:],
            pytrace=False,
        )
    return book


@pytest.fixture(scope="session")
def html(built_book) -> Path:
    return built_book / "_build" / "html"
