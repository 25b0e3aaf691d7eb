#!/usr/bin/env python3
"""Measure the editor's loop and the test command, on scratch copies of the whole book.

    python scripts/benchmark.py [--skip-tests] [--skip-lighthouse] [--repeat N] [--workdir DIR] [--keep] [--json FILE]

1. Cold builds, side by side: one with the default (chapters executed in parallel, one
   per CPU) and one with ``BOOK_JOBS=1`` (one at a time), each in its own copy,
   alternating ``--repeat`` times (default 2) and keeping each kind's best time. The
   two must write byte-identical ``figures/*.svg`` and byte-identical sites (every file
   under ``_build/html``: reproducible output, from two folders).
2. Rebuilds of the first copy: after no change, and after an edit to prose, to code and
   to data (plus two extras: a package-module edit and a new bibliography entry), each
   built with a plain ``jupyter-book build``. For each: wall time, time as a fraction of
   the cold build, and the chapters the build executed (read from jupyter-cache).
3. Page weight: every page's HTML plus the images and other files it alone loads,
   leaving out the theme's shared assets in ``_static/``. Target: at most 400 KB.
4. The editions: the README's PDF and EPUB commands on the built copy (warm cache: the
   cost is Sphinx's writing and, for the PDF, WeasyPrint's typesetting).
5. The test command (``bash scripts/test.sh``) timed once, unless ``--skip-tests``.
6. Lighthouse's mobile run over every page of the first copy's site, against the page
   budget (``scripts/lighthouse.py``), unless ``--skip-lighthouse``.

Targets (the exit status is 1 if one is missed): the parallel cold build takes at most
0.7 of the serial one; a no-op rebuild executes nothing and takes at most a quarter of
the cold build; a prose edit executes nothing; a code edit executes exactly the edited
chapter; a data edit executes exactly the chapters that read the file (cross-checked
against a scan of the chapters' code for the dataset's name); every page weighs at most
400 KB; the figures and the sites are identical; the PDF edition takes at most 240 s and
the EPUB edition at most 60 s; the test command passes within 300 s.

Other work on the machine inflates every time measured; compare ratios taken in one
run, not seconds across runs. The source tree is never touched: everything happens under
``--workdir`` (a fresh temporary folder by default, removed afterwards unless ``--keep``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import lighthouse  # scripts/lighthouse.py, next to this script

from als_explainer.paths import page_source, toc_pages
from book_extensions.reproducible import differences, tree_digests

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
SKIP = shutil.ignore_patterns("_build", ".git", "node_modules", ".pytest_cache", "__pycache__",
                              "*.egg-info", ".venv", "venv", "*.svg")
PAGE_BUDGET = 400 * 1024
PARALLEL_RATIO = 0.7  # cold build with every CPU, as a fraction of BOOK_JOBS=1
NOOP_RATIO = 0.25
TEST_BUDGET = 300  # seconds for bash scripts/test.sh
#: Seconds for each edition on a built site (the README's second and third commands).
EDITION_BUDGETS = {"simplepdf": 240, "epub": 60}
EDITED_CHAPTER = "chapters/00-case-at-a-glance"
EDITED_DATASET = "events"
EDITED_MODULE = "als_explainer/tables.py"


# --------------------------------------------------------------------------- the book


def source(book: Path, page: str) -> Path:
    return page_source(page, book)


def code_cells(text: str) -> list[str]:
    return re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, flags=re.M | re.S)


def package_modules(book: Path, code: str, seen: set[str] | None = None) -> set[str]:
    """The als_explainer modules that ``code`` imports, and the ones they import in turn."""
    seen = set() if seen is None else seen
    names = set(re.findall(r"als_explainer\.(\w+)", code))
    names |= set(re.findall(r"from \.(\w+) import", code))
    names |= {m for group in re.findall(r"from als_explainer import ([\w, ()\n]+)", code)
              for m in re.findall(r"\w+", group)}
    for name in sorted(names - seen):
        path = book / "als_explainer" / f"{name}.py"
        if path.is_file():
            seen.add(name)
            package_modules(book, path.read_text(encoding="utf-8"), seen)
    return seen


def readers_by_scan(book: Path, dataset: str) -> set[str]:
    """Chapters whose code, or the package modules it imports, names the dataset, or that
    document every dataset: an independent, static estimate of what a data edit should
    re-run, to hold the build's runtime record against (a mismatch is reported)."""
    found = set()
    for page in toc_pages(book):
        code = "\n".join(code_cells(source(book, page).read_text(encoding="utf-8")))
        texts = [code] + [(book / "als_explainer" / f"{m}.py").read_text(encoding="utf-8")
                          for m in package_modules(book, code)]
        named = any(re.search(rf"""["']{re.escape(dataset)}["']""", t) for t in texts)
        if named or "dataset_names(" in code:
            found.add(page)
    return found


def cache_runs(book: Path) -> set[tuple]:
    from jupyter_cache import get_cache

    folder = book / "_build" / ".jupyter_cache"
    if not folder.is_dir():
        return set()
    return {(r.uri, r.hashkey, r.created) for r in get_cache(str(folder)).list_cache_records()}


def build(book: Path, *options: str, **env_extra: str) -> tuple[float, set[str], str]:
    """A plain ``jupyter-book build`` (as an editor runs it), or with ``options``: seconds,
    chapters executed."""
    before = cache_runs(book)
    env = {k: v for k, v in os.environ.items() if k != "BOOK_JOBS"}  # default unless given
    env.update(PYTHONPATH=str(book), **env_extra)
    start = time.perf_counter()
    result = subprocess.run([JUPYTER_BOOK, "build", *options, str(book)], capture_output=True, text=True,
                            env=env, timeout=3600)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-6000:]}{result.stderr[-6000:]}")
    executed = {Path(uri).resolve().relative_to(book.resolve()).with_suffix("").as_posix()
                for uri, _, _ in cache_runs(book) - before}
    return seconds, executed, result.stdout + result.stderr


# --------------------------------------------------------------------------- the edits


def edit_prose(book: Path) -> None:
    """Add a word to the first paragraph of prose in the edited chapter."""
    path = source(book, EDITED_CHAPTER)
    lines = path.read_text(encoding="utf-8").split("\n")
    in_fence, front = False, lines[0] == "---"
    for i, line in enumerate(lines):
        if front:
            front = not (i > 0 and line == "---")
            continue
        if line.startswith(("```", ":::")):
            in_fence = not in_fence if line.startswith("```") else in_fence
            continue
        if not in_fence and line[:1].isalpha():
            lines[i] = line + " (edited)"
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise RuntimeError(f"no prose line found in {path}")


def edit_code(book: Path) -> None:
    """Add a comment line at the end of the edited chapter's first code cell."""
    path = source(book, EDITED_CHAPTER)
    text = path.read_text(encoding="utf-8")
    cell = re.search(r"^```\{code-cell\}[^\n]*\n.*?(?=^```)", text, flags=re.M | re.S)
    path.write_text(text[:cell.end()] + "# benchmark: an edit to the code\n" + text[cell.end():],
                    encoding="utf-8")


def edit_data(book: Path) -> None:
    """Change the text of one event in the edited dataset."""
    resource = next(r for r in json.loads((book / "data" / "datapackage.json").read_text(
        encoding="utf-8"))["resources"] if r["name"] == EDITED_DATASET)
    path = book / "data" / resource["path"]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("event") if "event" in rows[0] else 1
    rows[1][column] += " (edited)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def edit_module(book: Path) -> None:
    with open(book / EDITED_MODULE, "a", encoding="utf-8") as handle:
        handle.write("\n# benchmark: an edit to a package module\n")


def add_source(book: Path) -> None:
    with open(book / "references.bib", "a", encoding="utf-8") as handle:
        handle.write("\n@misc{benchmark2099,\n  title = {{A source not cited yet}},\n"
                     "  author = {{Benchmark}},\n  year = {2099},\n"
                     "  url = {https://example.org/}\n}\n")


# --------------------------------------------------------------------------- page weight


class _Resources(HTMLParser):
    ATTRS = {"img": "src", "source": "src", "object": "data", "embed": "src", "video": "src",
             "audio": "src", "iframe": "src", "script": "src"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.ATTRS and attrs.get(self.ATTRS[tag]):
            self.urls.append(attrs[self.ATTRS[tag]])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.urls.append(attrs["href"])


def page_weights(html: Path, pages: list[str]) -> tuple[list[dict], int]:
    """Per page: its HTML and the files it alone loads. Files under ``_static/`` and files
    every page loads (the search index) are the site's shared assets, counted once."""
    loads: dict[str, set[Path]] = {}
    for page in pages:
        path = html / f"{page}.html"
        parser = _Resources()
        parser.feed(path.read_text(encoding="utf-8"))
        loads[page] = set()
        for url in parser.urls:
            url = url.split("#")[0].split("?")[0]
            if not url or re.match(r"^[a-z]+:|^//", url):
                continue
            target = (path.parent / url).resolve()
            if target.is_file():
                loads[page].add(target)
    static = html.resolve() / "_static"
    shared = set.intersection(*loads.values()) | {
        t for files in loads.values() for t in files if static in t.parents}
    rows = []
    for page in pages:
        own = loads[page] - shared
        size = (html / f"{page}.html").stat().st_size
        extra = sum(t.stat().st_size for t in own)
        rows.append({"page": page, "html": size, "files": len(own), "files_bytes": extra,
                     "total": size + extra})
    return rows, sum(t.stat().st_size for t in shared)


def figures(book: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((book / "figures").glob("*.svg"))}


# --------------------------------------------------------------------------- main


def time_test_command() -> tuple[float, int]:
    """``bash scripts/test.sh`` in the source tree, as CI runs it: seconds, exit status."""
    start = time.perf_counter()
    result = subprocess.run(["bash", str(ROOT / "scripts" / "test.sh"), "-q"], cwd=ROOT,
                            capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    if result.returncode:
        print(result.stdout[-3000:] + result.stderr[-3000:])
    return seconds, result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-tests", action="store_true",
                        help="do not time the test command (bash scripts/test.sh)")
    parser.add_argument("--skip-lighthouse", action="store_true",
                        help="leave out Lighthouse's run over every page (scripts/lighthouse.py)")
    parser.add_argument("--repeat", type=int, default=2, metavar="N",
                        help="cold builds of each kind, alternating; the best counts (default 2)")
    parser.add_argument("--workdir", type=Path, help="where to put the scratch copies")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows while it runs

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="als-benchmark-"))
    workdir.mkdir(parents=True, exist_ok=True)
    book, twin = workdir / "book", workdir / "book-serial"
    for folder in (book, twin):
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(ROOT, folder, ignore=SKIP)

    print(f"Benchmark of {ROOT.name} in {workdir} (chapter edited: {EDITED_CHAPTER}, "
          f"dataset edited: {EDITED_DATASET}, module edited: {EDITED_MODULE})\n")
    failures = []

    # Cold builds side by side, alternating serial and parallel --repeat times, each
    # timed at its best (other work on the machine only ever adds time). The parallel
    # copy is built last, so the edits below go to a book built the default way.
    serial = cold = float("inf")
    for attempt in range(args.repeat):
        for folder in (twin, book):
            shutil.rmtree(folder / "_build", ignore_errors=True)
            for chart in (folder / "figures").glob("*.svg"):
                chart.unlink()
        seconds, serial_ran, _ = build(twin, BOOK_JOBS="1")
        serial = min(serial, seconds)
        seconds, cold_ran, _ = build(book)
        cold = min(cold, seconds)
        print(f"cold builds, round {attempt + 1}: BOOK_JOBS=1 {serial:.1f} s, parallel {cold:.1f} s (best so far)")
    parallel_ratio = cold / serial
    if parallel_ratio > PARALLEL_RATIO:
        failures.append(f"cold build in parallel: {parallel_ratio:.2f} of the serial one "
                        f"(target {PARALLEL_RATIO})")
    if cold_ran != serial_ran:
        failures.append(f"the cold builds ran different chapters: {sorted(cold_ran ^ serial_ran)}")
    results = [
        {"step": "cold, BOOK_JOBS=1", "seconds": round(serial, 2), "ratio": round(serial / cold, 3),
         "executed": sorted(serial_ran), "expected": None},
        {"step": "cold (parallel)", "seconds": round(cold, 2), "ratio": 1.0,
         "executed": sorted(cold_ran), "expected": None},
    ]
    pages = toc_pages(book)
    weights, shared_bytes = page_weights(book / "_build" / "html", pages)
    first_figures, second_figures = figures(book), figures(twin)
    site_differ = differences(tree_digests(book / "_build" / "html"), tree_digests(twin / "_build" / "html"))

    expected_data = readers_by_scan(book, EDITED_DATASET)
    steps = [
        ("no-op", None, set()),
        ("prose edit", edit_prose, set()),
        ("code edit", edit_code, {EDITED_CHAPTER}),
        ("data edit", edit_data, expected_data),
        ("module edit (extra)", edit_module, None),
        ("new source (extra)", add_source, set()),
    ]
    for name, edit, expected in steps:
        if edit:
            edit(book)
        seconds, executed, _ = build(book)
        row = {"step": name, "seconds": round(seconds, 2), "ratio": round(seconds / cold, 3),
               "executed": sorted(executed),
               "expected": None if expected is None else sorted(expected)}
        results.append(row)
        if expected is not None and executed != expected:
            failures.append(f"{name}: executed {sorted(executed)}, expected {sorted(expected)}")
        if name == "no-op" and seconds > cold * NOOP_RATIO:
            failures.append(f"no-op: {seconds:.1f} s is more than a quarter of the cold build")

    for builder, budget in EDITION_BUDGETS.items():
        seconds, executed, _ = build(book, "-W", "-n", "--keep-going", "--builder", "custom",
                                     "--custom-builder", builder)
        results.append({"step": f"{builder} edition", "seconds": round(seconds, 2),
                        "ratio": round(seconds / cold, 3), "executed": sorted(executed),
                        "expected": []})
        if executed:
            failures.append(f"the {builder} edition ran chapters again: {sorted(executed)}")
        if seconds > budget:
            failures.append(f"the {builder} edition took {seconds:.0f} s (budget {budget} s)")

    if not args.skip_tests:
        seconds, status = time_test_command()
        results.append({"step": "test command", "seconds": round(seconds, 2),
                        "ratio": round(seconds / cold, 3), "executed": [], "expected": None})
        if status:
            failures.append(f"the test command failed (exit status {status})")
        if seconds > TEST_BUDGET:
            failures.append(f"the test command took {seconds:.0f} s (budget {TEST_BUDGET} s)")

    width = max(len(r["step"]) for r in results)
    print(f"{'step':<{width}}  {'time':>8}  {'÷ cold':>6}  {'run':>3}  chapters executed "
          f"(÷ cold: divided by the parallel cold build)")
    for r in results:
        check = "" if r["expected"] is None or r["executed"] == r["expected"] else \
            f"   <- expected {', '.join(r['expected']) or 'none'}"
        ran = "" if r["step"] == "test command" else ", ".join(r["executed"]) or "-"
        print(f"{r['step']:<{width}}  {r['seconds']:>7.2f}s  {r['ratio']:>6.3f}  "
              f"{len(r['executed']):>3}  {ran}{check}")
    print(f"\nParallel cold build: {parallel_ratio:.2f} of the BOOK_JOBS=1 one "
          f"(target at most {PARALLEL_RATIO}; {jobs_note()})")

    print(f"\nPage weight (HTML + the files the page alone loads; budget {PAGE_BUDGET // 1024} KB; "
          f"the shared theme assets and search index, {shared_bytes / 1024:.0f} KB, are loaded "
          f"once for the whole site and not counted)")
    pw = max(len(w["page"]) for w in weights)
    for w in weights:
        flag = "" if w["total"] <= PAGE_BUDGET else "   <- over budget"
        print(f"{w['page']:<{pw}}  {w['html'] / 1024:>7.1f} KB html  "
              f"{w['files_bytes'] / 1024:>7.1f} KB in {w['files']} file(s)  "
              f"{w['total'] / 1024:>7.1f} KB{flag}")
        if flag:
            failures.append(f"{w['page']} weighs {w['total'] / 1024:.0f} KB")

    if not args.skip_lighthouse:  # the page budget, in Lighthouse's mobile run (scripts/lighthouse.py)
        rows = lighthouse.measure(book / "_build" / "html")
        print("\nLighthouse, mobile, every page served compressed:\n" + lighthouse.table(rows))
        failures += [f"{page}: {'; '.join(lighthouse.misses(row))}" for page, row in rows.items()
                     if lighthouse.misses(row)]

    differ = sorted(n for n in first_figures.keys() | second_figures.keys()
                    if first_figures.get(n) != second_figures.get(n))
    print(f"\nDeterminism: the two cold builds wrote {len(first_figures)} figures (parallel) and "
          f"{len(second_figures)} (serial); "
          f"{'all byte-identical' if not differ else 'different: ' + ', '.join(differ)}")
    if differ or not first_figures:
        failures.append(f"figures differ between cold builds: {differ or 'no figures written'}")
    print(f"Reproducible: the two cold builds, in two folders, wrote "
          f"{'byte-identical sites' if not site_differ else 'sites that differ in: ' + ', '.join(site_differ[:20])}")
    if site_differ:
        failures.append(f"the sites of the two cold builds differ in {len(site_differ)} files")

    if args.json:
        args.json.write_text(json.dumps({"rebuilds": results, "parallel_ratio": parallel_ratio,
                                         "pages": weights, "shared_assets_bytes": shared_bytes,
                                         "figures_identical": not differ,
                                         "sites_identical": not site_differ,
                                         "failures": failures}, indent=2), encoding="utf-8")
    if not args.keep and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n" + ("All targets met." if not failures else "Targets missed:\n- " + "\n- ".join(failures)))
    return 1 if failures else 0


def jobs_note() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs; BOOK_JOBS={os.environ.get('BOOK_JOBS', 'unset')} in this shell"


if __name__ == "__main__":
    sys.exit(main())
