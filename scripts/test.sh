#!/usr/bin/env bash
# Install everything the tests need, then run the whole test suite.
# This is the README's test command; .ci/run calls exactly this.
#
# Besides the Python packages it installs the Debian packages the build and the tests use
# (scripts/debian-packages.txt: Pango and the PDF's fonts, chromium, poppler-utils, ...),
# Playwright for Python (requirements-test.txt; it drives Debian's chromium and never
# downloads a browser of its own), and axe-core (tests/package.json, locked by
# tests/package-lock.json); and Debian's epubcheck (which brings Java), the checker the
# EPUB edition must pass (tests/test_epub.py).
set -euo pipefail
cd "$(dirname "$0")/.."

export PIP_DISABLE_PIP_VERSION_CHECK=1
# Debian packages (scripts/debian-packages.txt): the build's (Pango, the PDF's fonts) and the
# tests' (chromium, pdftotext, node, ...), only those missing; needs root or sudo then. On a
# new machine that is a minute of downloads, so it runs while pip installs Python's
# packages (the two share nothing); npm needs node from it, so npm waits for it.
apt_log=$(mktemp)
bash scripts/system-packages.sh test >"$apt_log" 2>&1 &
apt=$!
python3 -m pip install --quiet -r requirements.txt -r requirements-test.txt
if ! wait "$apt"; then
  cat "$apt_log" >&2
  echo "scripts/test.sh: installing the Debian packages failed (above)." >&2
  exit 1
fi
cat "$apt_log" >&2
rm -f "$apt_log"

(cd tests && npm ci --no-audit --no-fund --loglevel=error)

# Independent tests run side by side (pytest-xdist), in the order tests/conftest.py sets:
# one worker per CPU and one more, because a worker often waits (on the browser's network
# idle, on the shared build) rather than computes; on two CPUs three workers finish the
# suite about 10% sooner than two. TEST_JOBS=N sets the number; TEST_JOBS=0 runs them in
# this one process. The shared strict build starts once, in the background; each page is
# opened in the browser once per run, whichever worker asks first
# (tests/browser_support.py, visit_once).
# Tests go to the workers one at a time, in that order, to whichever is free (loadgroup,
# no reordering): xdist's default hands each worker a run of ~80 tests at the start, which
# queued every test that builds a book of its own behind one worker. Tests that share an
# expensive module fixture name one xdist_group, so they still run together.
jobs=(-n "${TEST_JOBS:-$(( $(nproc) + 1 ))}" --dist loadgroup --no-loadscope-reorder)

status=0
ruff check --quiet .   # lint first: a ruff finding fails the test command (pyproject.toml)
python3 -m pytest "${jobs[@]}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "scripts/test.sh: pytest collected no tests; that is a failure, not a pass." >&2
  exit 1
fi
exit "$status"
