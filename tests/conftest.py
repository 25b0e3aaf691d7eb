"""Shared fixtures. For anyone adding a test that looks at the built book:

- ``html`` (session): ``_build/html`` of the one shared strict build. ``built_book``
  (session): the checkout it was built in (``built_book / "data"`` etc.). Read them,
  never write into them: every test of the run sees the same build.
- ``shared_build`` (session): that build's exit status, log text and the digests of the
  sources before it ran (``built_book``/``html`` fail the test if the build failed).
- ``shared_pdf`` (session): the README's second command, the PDF edition, run in the same
  checkout after the site (its exit status, seconds and log); ``pdf`` (its file),
  ``pdf_reader`` (pypdf) and ``pdf_pages`` (pdftotext) read it, in the xdist group
  ``PDF_GROUP`` so that one worker reads it once.
- ``shared_epub`` (session): the README's third command, the EPUB edition, run in the same
  checkout beside the PDF (its exit status, seconds and log).

The shared build is the README followed to the letter: a fresh clone of the repository
(plus uncommitted edits), a ``.venv/`` made inside it as the README says, the README's
strict build command with that venv active, and no network (tests/book_builds.py,
``make_shared_build``). It is made ONCE per test run, however many pytest-xdist
workers there are: the first worker whose tests need it starts it in the background
(claiming a folder in the run's shared temporary directory), and every worker waits for
its ``result.json``. Tests that do not need it run meanwhile.

A test that must build a book of its own (an edit, a breakage) builds a small trimmed
copy instead (``book_builds.scratch_book`` + ``set_toc``): seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from als_explainer.paths import page_source as _page_source
from als_explainer.paths import toc_pages

from book_builds import JUPYTER_BOOK, ROOT, SKIP, copy_book  # noqa: F401  (re-exported)

# Sphinx's own test fixtures (make_app, app, the sphinx marker), as MyST-NB and
# sphinxcontrib-bibtex use them: each extension is tested on a small project in
# tests/roots/test-<name>/, built in process.
pytest_plugins = ("sphinx.testing.fixtures",)

SHARED_FIXTURES = {"shared_build", "built_book", "html", "shared_pdf", "shared_epub"}


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def small_book(tmp_path_factory, rootdir) -> Path:
    """tests/roots/test-book (the page extensions on a four-page book) built once, in
    process: its HTML output folder. Read it, never write into it."""
    from sphinx.testing.util import SphinxTestApp

    srcdir = tmp_path_factory.mktemp("small-book") / "book"
    shutil.copytree(rootdir / "test-book", srcdir)
    app = SphinxTestApp("html", srcdir=srcdir)
    try:
        app.build()
        assert not app.warning.getvalue(), app.warning.getvalue()
    finally:
        app.cleanup()
    return Path(app.outdir)

BUILD_TIMEOUT = 1800


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page in _toc.yml, as a path without suffix, root page first."""
    return toc_pages(root)


def page_source(page: str, root: Path = ROOT) -> Path:
    return _page_source(page, root)


@pytest.fixture
def scratch(tmp_path) -> Path:
    """The files the data loaders read (data/, references.bib, _config.yml), copied so a
    test can break them without touching the book."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    return tmp_path


# --------------------------------------------------------------------------- the shared build


@dataclass
class SharedBuild:
    book: Path
    returncode: int
    seconds: float
    log: str
    sources_before: dict[str, str]


def _run_root(tmp_path_factory) -> Path:
    """The temporary folder of this whole test run: under xdist each worker's basetemp
    is ``<run>/popen-gwN``, so the run's folder is its parent."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


#: How much the test processes give way to the shared build (os.nice): every test that
#: needs the site or an edition waits for it, so it goes first; the tests that need no
#: build use the CPU time it leaves. Each thread weighs on its own, so the tests' many
#: (Chromium alone runs a dozen) must each weigh little: at nice 5 together they
#: outweighed the build, and the PDF edition took three times its own time.
GIVE_WAY = 19


@pytest.fixture(scope="session", autouse=True)
def _start_shared_build(request, tmp_path_factory):
    """Start the shared build in the background as soon as a worker that has tests
    needing it starts, unless another worker already did; then let it go first."""
    if not any(SHARED_FIXTURES & set(item.fixturenames) for item in request.session.items):
        yield
        return
    folder = _run_root(tmp_path_factory) / "shared-build"
    try:
        folder.mkdir()  # atomic: exactly one worker gets to start the build
    except FileExistsError:
        os.nice(GIVE_WAY)
        yield
        return
    # Its own process group, so that it stops as one (below), but in the test run's session:
    # Linux shares the CPU equally between sessions (autogroups) and applies nice values
    # only within one, so in a session of its own the build would never go first.
    with open(folder / "runner.log", "w", encoding="utf-8") as runner_log:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("book_builds.py")), "shared-build",
             str(folder)], stdout=runner_log, stderr=subprocess.STDOUT, process_group=0)
    os.nice(GIVE_WAY)  # after the start: the build keeps this process's priority
    yield
    # Other workers may still be waiting for it: let it finish, unless the run is stopping
    # (then stop the whole process group: the runner, the build and its kernels).
    session = request.session
    stopping = session.shouldfail or session.shouldstop or \
        getattr(session, "exitstatus", None) == pytest.ExitCode.INTERRUPTED
    if stopping and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait()


def _wait_for(result: Path) -> dict:
    """The outcome the shared build writes when a step is over (tests/book_builds.py)."""
    folder = result.parent
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not result.exists():
        if time.monotonic() > deadline or not folder.exists():
            pytest.fail(f"the shared build never finished (see {folder})", pytrace=False)
        time.sleep(0.5)
    return json.loads(result.read_text(encoding="utf-8"))


def _log_text(log: Path) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(encoding="utf-8", errors="replace")) \
        if log.exists() else ""


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory) -> Path:
    """A folder every worker of this test run shares (for work done once per run)."""
    return _run_root(tmp_path_factory)


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory) -> SharedBuild:
    folder = _run_root(tmp_path_factory) / "shared-build"
    outcome = _wait_for(folder / "result.json")
    sources = folder / "sources.json"
    return SharedBuild(
        book=folder / "book",
        returncode=outcome["returncode"],
        seconds=outcome["seconds"],
        log=_log_text(folder / "build.log"),
        sources_before=json.loads(sources.read_text(encoding="utf-8")) if sources.exists() else {},
    )


@pytest.fixture(scope="session")
def shared_pdf(built_book) -> SharedBuild:
    """The README's second build command (the PDF edition), run by the shared build in the
    same checkout right after the site; its outcome and log."""
    folder = built_book.parent
    outcome = _wait_for(folder / "pdf.json")
    return SharedBuild(book=built_book, returncode=outcome["returncode"], seconds=outcome["seconds"],
                       log=_log_text(folder / "pdf.log"), sources_before={})


@pytest.fixture(scope="session")
def shared_epub(built_book) -> SharedBuild:
    """The README's third build command (the EPUB edition), run by the shared build in the
    same checkout beside the PDF; its outcome and log."""
    folder = built_book.parent
    outcome = _wait_for(folder / "epub.json")
    return SharedBuild(book=built_book, returncode=outcome["returncode"], seconds=outcome["seconds"],
                       log=_log_text(folder / "epub.log"), sources_before={})


@pytest.fixture(scope="session")
def pdf(shared_pdf):
    """The PDF edition the README's second command made in the shared build's checkout,
    after the site: its jupyter-cache was warm, so no chapter may run again. The tests that
    read it form one xdist group (``PDF_GROUP``), so one worker parses it, once."""
    from types import SimpleNamespace

    import yaml

    assert shared_pdf.returncode == 0, shared_pdf.log[-8000:]
    assert "Executing notebook" not in shared_pdf.log, "the PDF build re-ran chapters"
    name = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["book_pdf_name"]
    path = shared_pdf.book / "_build" / "simplepdf" / name
    assert path.is_file(), f"no {path.name} written"
    return SimpleNamespace(path=path, seconds=shared_pdf.seconds, book=shared_pdf.book)


#: Every test that reads the PDF edition names this group (pytest.mark.xdist_group).
PDF_GROUP = "pdf"


@pytest.fixture(scope="session")
def pdf_reader(pdf):
    """pypdf's reader of the PDF edition; it parses each page once, when first asked."""
    from pypdf import PdfReader

    return PdfReader(pdf.path)


@pytest.fixture(scope="session")
def pdf_pages(pdf) -> list[str]:
    """The PDF edition's text as poppler's ``pdftotext`` reads it, one string per page."""
    from system_tools import tool

    text = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf.path), "-"],
                          capture_output=True, text=True, check=True, timeout=300).stdout
    return text.split("\f")


@pytest.fixture(scope="session")
def built_book(shared_build) -> Path:
    """The checkout of the one strict build, shared by every test that inspects the site."""
    if shared_build.returncode != 0:
        pytest.fail("the shared strict build failed (" + shared_build.book.as_posix()
                    + "):\n" + shared_build.log[-8000:], pytrace=False)
    return shared_build.book


@pytest.fixture(scope="session")
def html(built_book) -> Path:
    return built_book / "_build" / "html"


# --------------------------------------------------------------------------- order


# Tests that build books of their own, longest first.
LONG_FIRST = ["test_reproducible", "test_failures", "test_reexecution"]


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects, so ``-m "not build"`` sees the marks
def pytest_collection_modifyitems(config, items):
    """Mark every test that needs the shared build ``build``; run first the tests that
    build books of their own (the longest), then those that need no build, and last
    those that need the shared build, which meanwhile runs in the background."""
    for item in items:
        if SHARED_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.build)

    def rank(item) -> int:
        if item.module.__name__ in LONG_FIRST:
            return LONG_FIRST.index(item.module.__name__)
        return len(LONG_FIRST) + bool(SHARED_FIXTURES & set(item.fixturenames))

    items.sort(key=rank)  # stable: file order within each rank


def pytest_runtest_setup(item):
    """Tests that share a costly fixture (the two reproducibility builds, the parsed PDF)
    name one ``xdist_group`` so that one worker runs them all. pytest-xdist 3.8 groups
    them by appending the group to each test's node id, which pytest 9.2 ignores
    (pytest-xdist #1386): the grouping then fails silently and every worker builds again.
    Such a test fails here instead, saying why."""
    if getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group") \
            and "@" not in item.nodeid:
        pytest.fail("pytest-xdist did not keep this test with its xdist_group: this pytest and "
                    "pytest-xdist cannot group tests (pytest-xdist #1386); install the versions "
                    "requirements-test.txt pins", pytrace=False)


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright: ONE per test process, shared by every
    browser test (Playwright's sync API allows one running instance per process)."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, missing_tools

    missing = missing_tools()
    if missing:  # a skip on a workstation without them, a failure in CI
        message = ("the browser tests cannot run: missing " + "; ".join(missing)
                   + ". scripts/test.sh installs all of them; run it, not bare pytest.")
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(html):
    """The shared build's site, served on 127.0.0.1 for the browser tests."""
    from browser_support import SiteServer

    with SiteServer(html) as running:
        yield running

