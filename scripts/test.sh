#!/usr/bin/env bash
# Install everything the tests need, then run the whole test suite.
# This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

export PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install --quiet -r requirements.txt -r requirements-test.txt

status=0
python3 -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "scripts/test.sh: pytest collected no tests; that is a failure, not a pass." >&2
  exit 1
fi
exit "$status"
