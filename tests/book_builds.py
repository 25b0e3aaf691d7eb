"""Helpers for tests that run the real ``jupyter-book build``: the one shared strict build
of a fresh checkout (see tests/conftest.py), and the small trimmed books on which the
failure and reproducibility scenarios run (tests/test_failures.py, tests/test_reproducible.py).

Run as a script, it makes the shared build (conftest.py starts it in the background):

    python3 tests/book_builds.py shared-build DIR
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import yaml

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


def notebooks(book: Path) -> set[str]:
    """Every page of the book's table of contents that has code cells."""
    from als_explainer.paths import page_source, toc_pages

    return {page for page in toc_pages(book)
            if "```{code-cell}" in page_source(page, book).read_text(encoding="utf-8")}


def set_toc(book: Path, pages: list[str]) -> None:
    """Reduce the book to ``pages`` under a bare landing page (a fast, focused build;
    the real landing page links to chapters that the cut-down book leaves out)."""
    (book / "zz-index.md").write_text("# A cut-down copy of the book\n\nFor a test.\n",
                                      encoding="utf-8")
    toc = {"format": "jb-book", "root": "zz-index", "chapters": [{"file": p} for p in pages]}
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FRONT_MATTER + body, encoding="utf-8")
    return path


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


# --------------------------------------------------------------------------- the shared build

#: The README's build command (tests/test_build.py checks that the README says exactly this).
README_VENV = "python3.11 -m venv .venv && . .venv/bin/activate"
README_BUILD = "jupyter-book build -W -n --keep-going ."
README_PDF = f"{README_BUILD} --builder custom --custom-builder simplepdf"
README_EPUB = f"{README_BUILD} --builder custom --custom-builder epub"
#: Installs the build's Debian packages (Pango, the PDF's fonts) when missing.
README_SYSTEM = "bash scripts/system-packages.sh build"
README_BUILD_COMMAND = (f"{README_SYSTEM} && python3 -m pip install -r requirements.txt && "
                        f"{README_BUILD} && {README_PDF} && {README_EPUB}")
#: Only the base image's fonts and the book's own are visible to the shared build's fontconfig.
FONTS_CONF = ROOT / "tests" / "fonts.conf"
#: Not the book's sources: never compared before and after a build.
NOT_SOURCES = {".git", ".venv", "_build", "figures", "__pycache__"}


def fresh_checkout(target: Path) -> Path:
    """What a newcomer has after ``git clone``: the repository's current commit, plus the
    working tree's uncommitted edits (there are none in CI, which runs in a fresh clone;
    a developer's tests see their edits). Ignored files (build output, caches, a venv)
    never come along. Outside a git repository, a plain copy."""
    if not (ROOT / ".git").exists():
        return copy_book(target)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=True).stdout

    commit = git("rev-parse", "HEAD").strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", commit], check=True)
    edited = (git("diff", "-z", "--name-only", "--no-renames", "HEAD")  # staged or not
              + git("ls-files", "-z", "--others", "--exclude-standard"))  # new, not ignored
    for rel in sorted(set(filter(None, edited.split("\0")))):
        source, copy = ROOT / rel, target / rel
        if source.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
        elif copy.is_file() or copy.is_symlink():
            copy.unlink()
    return target


def venv_as_the_readme_makes_it(book: Path) -> Path:
    """``python3.11 -m venv .venv`` inside the checkout (run with this interpreter, so
    that the packages below fit it), then the packages the README installs into it.

    The README installs them with ``pip install -r requirements.txt``, which takes
    minutes and the network. Instead, every file of this interpreter's site-packages
    (the same pinned requirements; scripts/test.sh installed them) is hard-linked into the
    venv's site-packages, and the checkout is put on the venv's path as ``pip install
    -e .`` would. What the build meets inside the checkout is what a newcomer's build
    meets: a .venv/ full of packages, with jupyter-book's template notebooks and hundreds
    of licence .md files. The build then runs with the venv active, on its Python.
    """
    subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=book, check=True)
    venv = book / ".venv"
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    shutil.rmtree(site)
    installed = Path(sysconfig.get_paths()["purelib"])
    if subprocess.run(["cp", "-al", str(installed), str(site)], capture_output=True).returncode:
        shutil.rmtree(site, ignore_errors=True)  # another file system: copy instead of linking
        shutil.copytree(installed, site, symlinks=True)
    for own in [*site.glob("__editable__*als_explainer*"), *site.glob("als_explainer*")]:
        shutil.rmtree(own) if own.is_dir() else own.unlink()
    (site / "book-checkout.pth").write_text(f"{book}\n", encoding="utf-8")
    script = venv / "bin" / "jupyter-book"  # the console script pip would write
    script.write_text(f"#!{python}\nimport sys\nfrom jupyter_book.cli.main import main\n"
                      "sys.exit(main())\n", encoding="utf-8")
    script.chmod(0o755)
    return venv


def source_digests(book: Path) -> dict[str, str]:
    """Every source file of a book (not build output, charts or the venv) and its hash."""
    digests = {}
    for folder, subfolders, files in os.walk(book):
        subfolders[:] = [name for name in subfolders if name not in NOT_SOURCES]
        for name in files:
            path = Path(folder, name)
            digests[path.relative_to(book).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(digests.items()))


def make_shared_build(folder: Path) -> None:
    """Fresh checkout, venv inside it, the README's build command with that venv active,
    offline: first the Debian packages' check, then the site, then the PDF and EPUB
    editions (the README chains them; here they run side by side). Fontconfig sees only
    the fonts of tests/fonts.conf, and the dynamic loader logs every library and program
    each process loads into ``ld/`` (LD_DEBUG=files), for tests/test_system_packages.py.

    Writes ``book/``, ``sources.json`` (before the build), ``build.log`` and then
    ``result.json`` once the site is built (its appearance says so: the tests of the site
    start), then, for the PDF and the EPUB edition, which are built side by side,
    ``pdf.log``/``pdf.json`` and ``epub.log``/``epub.json`` as each is done (or is not: a
    failed site build leaves both unbuilt, as ``&&`` does)."""
    returncode, start, book, env = -1, time.perf_counter(), None, None
    try:
        book = fresh_checkout(folder / "book")
        venv_as_the_readme_makes_it(book)
        (folder / "sources.json").write_text(json.dumps(source_digests(book)), encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "ALS_BOOK_ROOT", "VIRTUAL_ENV")}
        env.update(offline_env())
        (folder / "ld").mkdir()
        env.update(FONTCONFIG_FILE=str(FONTS_CONF), LD_DEBUG="files",
                   LD_DEBUG_OUTPUT=str(folder / "ld" / "ld"))
        start = time.perf_counter()
        returncode = _readme_step(f"{README_SYSTEM} && {README_BUILD}", book, env, folder / "build.log")
    except Exception:
        _log_failure(folder / "build.log")
    _write_result(folder / "result.json", returncode, start)
    site_built = book is not None and env is not None and returncode == 0

    def edition(name: str, command: str) -> None:
        returncode, start = -1, time.perf_counter()
        try:
            if site_built:
                returncode = _readme_step(command, book, env, folder / f"{name}.log")
        except Exception:
            _log_failure(folder / f"{name}.log")
        _write_result(folder / f"{name}.json", returncode, start)

    # The two editions side by side: each reads the site build's pickled environment and
    # cached runs and writes its own folder (_build/simplepdf, _build/epub), so neither
    # waits for the other, and the EPUB's tests run while the PDF is typeset.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for result in [pool.submit(edition, "pdf", README_PDF), pool.submit(edition, "epub", README_EPUB)]:
            result.result()


def _readme_step(command: str, book: Path, env: dict, log: Path) -> int:
    """One of the README's build commands, in the checkout, with its .venv active, offline."""
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.run(
            [*offline_wrapper(), "bash", "-c", f". .venv/bin/activate && {command}"],
            cwd=book, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=1800,
        ).returncode


def _log_failure(log: Path) -> None:
    import traceback

    with open(log, "a", encoding="utf-8") as out:
        out.write("\nPreparing or running the shared build failed:\n" + traceback.format_exc())


def _write_result(result: Path, returncode: int, start: float) -> None:
    """Written whole, then renamed: a waiting test never reads half a file."""
    result.with_suffix(".tmp").write_text(json.dumps(
        {"returncode": returncode, "seconds": round(time.perf_counter() - start, 1)}), encoding="utf-8")
    os.replace(result.with_suffix(".tmp"), result)


if __name__ == "__main__":
    if sys.argv[1:2] == ["shared-build"] and len(sys.argv) == 3:
        make_shared_build(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
