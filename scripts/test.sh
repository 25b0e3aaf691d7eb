#!/usr/bin/env bash
# Install everything the tests need, then run the whole test suite.
# This is the README's test command; .ci/run calls exactly this.
#
# Besides the Python packages it installs what the browser tests (tests/test_browser.py)
# drive: Debian's chromium (only when /usr/bin/chromium is missing; needs root or sudo),
# Playwright for Python (requirements-test.txt; it drives that chromium and never
# downloads a browser of its own), and axe-core (tests/package.json, locked by
# tests/package-lock.json); and Debian's epubcheck (which brings Java), the checker the
# EPUB edition must pass (tests/test_epub.py).
set -euo pipefail
cd "$(dirname "$0")/.."

export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install --quiet -r requirements.txt -r requirements-test.txt

# Debian packages the tests need, installed only when missing (a fresh machine may have
# nothing but Python and pip): chromium, npm to fetch the pinned axe-core, and epubcheck
# with a Java runtime to run it.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
{ [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null 2>&1; } || missing+=(epubcheck)
if [ ${#missing[@]} -gt 0 ]; then
  echo "scripts/test.sh: installing ${missing[*]} (Debian packages) for the tests" >&2
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

(cd tests && npm ci --no-audit --no-fund --loglevel=error)

# Independent tests run side by side (pytest-xdist), in the order tests/conftest.py sets:
# one worker per CPU and one more, because a worker often waits (on the browser's network
# idle, on the shared build) rather than computes; on two CPUs three workers finish the
# suite about 10% sooner than two. TEST_JOBS=N sets the number; TEST_JOBS=0 runs them in
# this one process. The shared strict build starts once, in the background; each page is
# opened in the browser once per run, whichever worker asks first
# (tests/browser_support.py, visit_once).
jobs=(-n "${TEST_JOBS:-$(( $(nproc) + 1 ))}")

status=0
ruff check --quiet .   # lint first: a ruff finding fails the test command (pyproject.toml)
python3 -m pytest "${jobs[@]}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "scripts/test.sh: pytest collected no tests; that is a failure, not a pass." >&2
  exit 1
fi
exit "$status"
