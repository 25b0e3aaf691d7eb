"""Helpers for tests that run the real ``jupyter-book build`` on scratch copies of the book
and measure which chapters it executed (tests/test_rebuilds.py, tests/test_failures.py)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from functools import cache
from pathlib import Path

import yaml

from conftest import JUPYTER_BOOK, copy_book

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
EXECUTING = re.compile(r"^(\S+?)\.(?:md|ipynb): Executing notebook", re.M)


def build(book: Path, *extra: str, env: dict | None = None, wrapper: tuple = ()) -> subprocess.CompletedProcess:
    """The strict build of ``book``, importing the scratch copy's own ``als_explainer``
    (so that editing a module of the copy is what the build sees)."""
    environment = dict(os.environ, PYTHONPATH=str(book), **(env or {}))
    return subprocess.run(
        [*wrapper, JUPYTER_BOOK, "build", "-W", "-n", "--keep-going", *extra, str(book)],
        capture_output=True, text=True, timeout=1800, env=environment,
    )


def output(result: subprocess.CompletedProcess) -> str:
    """Everything the build printed, without colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def cache_runs(book: Path) -> set[tuple]:
    """Every run stored in the book's jupyter-cache, as (path, hash, time cached)."""
    from jupyter_cache import get_cache

    folder = book / "_build" / ".jupyter_cache"
    if not folder.is_dir():
        return set()
    return {(r.uri, r.hashkey, r.created) for r in get_cache(str(folder)).list_cache_records()}


def docname(book: Path, path: str) -> str:
    return Path(path).resolve().relative_to(book.resolve()).with_suffix("").as_posix()


class Builds:
    """Builds one scratch book again and again, reporting which chapters each one ran.

    A chapter counts as executed when the build stored a new run of it in jupyter-cache;
    the build log's "Executing notebook" lines must name the same chapters.
    """

    def __init__(self, book: Path):
        self.book = book

    def run(self, **kwargs) -> tuple[subprocess.CompletedProcess, set[str]]:
        before = cache_runs(self.book)
        result = build(self.book, **kwargs)
        text = output(result)
        assert result.returncode == 0, f"build failed:\n{text[-8000:]}"
        executed = {docname(self.book, uri) for uri, _, _ in cache_runs(self.book) - before}
        logged = {docname(self.book, path) for path in EXECUTING.findall(text)}
        assert executed == logged, f"cache says {executed}, log says {logged}"
        return result, executed

    def executed(self, **kwargs) -> set[str]:
        return self.run(**kwargs)[1]


def notebooks(book: Path) -> set[str]:
    """Every page of the book's table of contents that has code cells."""
    from conftest import page_source, toc_files

    return {page for page in toc_files(book) if "```{code-cell}" in page_source(page, book).read_text(encoding="utf-8")}


def set_toc(book: Path, pages: list[str]) -> None:
    """Reduce the book to ``pages`` under a bare landing page (a fast, focused build;
    the real landing page links to chapters that the cut-down book leaves out)."""
    (book / "zz-index.md").write_text("# A cut-down copy of the book\n\nFor a test.\n",
                                      encoding="utf-8")
    toc = {"format": "jb-book", "root": "zz-index", "chapters": [{"file": p} for p in pages]}
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def add_to_toc(book: Path, page: str) -> None:
    """Append ``page`` to the last part of the book's table of contents."""
    path = book / "_toc.yml"
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    (toc["parts"][-1]["chapters"] if "parts" in toc else toc["chapters"]).append({"file": page})
    path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def add_dataset(book: Path, name: str, csv: str, fields: list[dict]) -> None:
    """Write ``data/<name>.csv`` and declare it at the end of datapackage.json."""
    (book / "data" / f"{name}.csv").write_text(csv, encoding="utf-8")
    path = book / "data" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"].append({
        "name": name, "path": f"{name}.csv", "title": f"Test dataset {name}",
        "description": "Written by the test suite into a scratch copy of the book.",
        "schema": {"fields": fields},
    })
    path.write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")


FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def write_chapter(book: Path, page: str, body: str) -> Path:
    path = book / f"{page}.md"
    path.write_text(FRONT_MATTER + body, encoding="utf-8")
    return path


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def scratch_book(target: Path) -> Path:
    return copy_book(target)


# --------------------------------------------------------------------------- no network


def closed_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def offline_env() -> dict:
    """Every proxy variable pointed at a closed local port, and no proxy exceptions."""
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {name: proxy for name in PROXY_VARS}
    env.update(NO_PROXY="", no_proxy="")
    return env


@cache
def offline_wrapper() -> tuple:
    """``unshare -n`` (a network namespace with only a loopback interface) when this
    machine allows it, else nothing (the proxies alone then block HTTP)."""
    wrapper = ("unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh")
    try:
        probe = subprocess.run([*wrapper, "true"], capture_output=True, timeout=30)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return ()
    return wrapper if probe.returncode == 0 else ()
