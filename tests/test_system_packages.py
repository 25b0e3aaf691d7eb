"""What the book needs from the machine, stated and checked: every shared library and
program that the shared build loaded (recorded by the dynamic loader, tests/book_builds.py),
every program the tests run (tests/system_tools.py) and every font file the PDF names comes
from a Debian package of the base image (tests/base-image-packages.txt) or of the project's
own list (scripts/debian-packages.txt, with what those depend on). A hidden dependency fails
here rather than on the next new machine. Python's own files (the interpreter, the venv's
wheels) are not Debian's business and are left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from book_builds import ROOT
from system_tools import TOOLS

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None,
                                reason="the book's machines are Debian; dpkg-query is how they tell")

LOADED = re.compile(r"calling init: (/\S+)")
PROGRAM = re.compile(r"transferring control: (\S+)")


def package_list(path: Path, scope: str | None = None) -> set[str]:
    """Package names of a list file: first word of each line, # comments skipped; for
    scripts/debian-packages.txt, only the lines of ``scope`` ("build") when given."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words and not words[0].startswith("#") and (scope is None or scope in words[1:2]):
            names.add(words[0])
    return names


BASE = package_list(ROOT / "tests" / "base-image-packages.txt")
PROJECT = package_list(ROOT / "scripts" / "debian-packages.txt")
BUILD = package_list(ROOT / "scripts" / "debian-packages.txt", "build")


@cache
def installed() -> dict[str, list[list[str]]]:
    """Every installed package and what it depends on, pre-depends on or recommends (apt
    installs recommendations by default), as lists of alternatives; one dpkg-query call."""
    listing = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Status}\t${Depends}, ${Pre-Depends}, ${Recommends}\n"],
        capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in listing.splitlines():
        name, status, needs = line.split("\t")
        if status == "installed":
            packages[name] = [[choice.strip().split(" ")[0].split(":")[0] for choice in group.split("|")]
                              for group in needs.split(",") if group.strip()]
    return packages


@cache
def installed_with_dependencies(roots: frozenset[str]) -> frozenset[str]:
    """``roots`` and every installed package they need, recursively."""
    packages, seen, todo = installed(), set(), [name for name in roots if name in installed()]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(choice for group in packages[name] for choice in group if choice in packages)
    return frozenset(seen)


def owners(paths: set[Path]) -> dict[Path, str | None]:
    """The Debian package that installed each file (None: no package did); one dpkg-query call."""
    names: dict[Path, set[str]] = {}
    for path in paths:
        candidates = {str(path), str(path.resolve())}
        # Debian's merged /usr: a file dpkg knows as /lib/... is also /usr/lib/... and back.
        candidates |= {c.removeprefix("/usr") for c in candidates if c.startswith("/usr/")}
        candidates |= {"/usr" + c for c in candidates if not c.startswith("/usr/")}
        names[path] = candidates
    everything = sorted(set().union(*names.values())) if names else []
    listing = subprocess.run(["dpkg-query", "-S", *everything], capture_output=True, text=True).stdout
    owner_of = {}
    for line in listing.splitlines():
        if ": " in line:
            packages, file = line.split(": ", 1)
            owner_of[file] = packages.split(",")[0].strip().split(":")[0]
    return {path: min((owner_of[c] for c in candidates if c in owner_of), default=None)
            for path, candidates in names.items()}


def python_files(path: Path, book: Path) -> bool:
    """The interpreter and the packages pip installed: Python's, not the machine's."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), book.resolve()}
    return any(path.resolve().is_relative_to(root) for root in roots)


def unexplained(paths: set[Path], book: Path, allowed: frozenset[str]) -> list[str]:
    problems = []
    for path, package in sorted(owners({p for p in paths if not python_files(p, book)}).items()):
        if package is None:
            problems.append(f"{path}: installed by no Debian package and not part of Python's")
        elif package not in allowed:
            problems.append(f"{path}: from Debian's {package}, which neither the base image nor "
                            "scripts/debian-packages.txt provides")
    return problems


@pytest.fixture(scope="module")
def loaded(shared_pdf) -> set[Path]:
    """Every library and program a process of the shared build (site and PDF) loaded."""
    folder = shared_pdf.book.parent / "ld"
    logs = sorted(folder.glob("ld.*"))
    assert logs, f"the shared build recorded nothing in {folder}"
    paths: set[Path] = set()
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        paths.update(Path(p) for p in LOADED.findall(text))
        for program in PROGRAM.findall(text):
            where = program if "/" in program else shutil.which(program)
            if where:
                paths.add(Path(where))
    return paths


def test_the_project_list_names_real_packages_with_a_purpose():
    for line in (ROOT / "scripts" / "debian-packages.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, scope, *why = line.split()
            assert scope in ("build", "test") and why, f"scripts/debian-packages.txt: {line!r}"
            assert name in installed(), f"{name} is listed but not installed: run bash scripts/system-packages.sh"


def test_the_build_loads_only_what_the_base_image_and_the_project_install(loaded, shared_pdf):
    """The README's build command installs the "build" packages: the site and the PDF must
    need nothing else (chromium or poppler, say, would only be there for the tests)."""
    assert any("libpango" in p.name for p in loaded), "the PDF build loaded no Pango: is the log complete?"
    allowed = installed_with_dependencies(frozenset(BASE | BUILD))
    problems = unexplained(loaded, shared_pdf.book, allowed)
    assert not problems, "the build uses what nothing installs:\n" + "\n".join(problems)


def test_the_programs_the_tests_run_come_from_listed_packages():
    paths = {Path(path) for name in TOOLS if (path := shutil.which(name))}
    missing = [name for name in TOOLS if not shutil.which(name)]
    assert not missing, f"not installed: {missing} (bash scripts/system-packages.sh installs the book's packages)"
    problems = unexplained(paths, ROOT, installed_with_dependencies(frozenset(BASE | PROJECT)))
    assert not problems, "the tests run what nothing installs:\n" + "\n".join(problems)


def test_the_pdf_fonts_come_from_listed_packages():
    from book_extensions.paper import FONTS, font_files

    files = set(font_files(FONTS.read_text(encoding="utf-8")))
    assert files, "the PDF's font sheet names no font file"
    problems = unexplained(files, ROOT, installed_with_dependencies(frozenset(BASE | BUILD)))
    assert not problems, "\n".join(problems)


def test_an_unlisted_package_is_reported():
    """The check itself can fail: a file of a package outside the allowed set is named."""
    libc = next(Path(p) for p in ("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                                  "/lib/aarch64-linux-gnu/libc.so.6") if Path(p).exists())
    assert unexplained({libc}, ROOT, frozenset({"no-such-package"})), "libc6 passed as allowed"
    assert not unexplained({libc}, ROOT, installed_with_dependencies(frozenset(BASE)))
