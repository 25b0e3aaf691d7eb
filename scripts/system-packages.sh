#!/usr/bin/env bash
# Install the Debian packages the book needs (scripts/debian-packages.txt), only those
# missing: `build` for the README's build command, `test` (the default) for everything the
# tests use as well. Needs root or sudo when something is missing; prints nothing otherwise.
set -euo pipefail
cd "$(dirname "$0")"
scope="${1:-test}"
case "$scope" in build|test) ;; *) echo "usage: $0 [build|test]" >&2; exit 2 ;; esac

wanted=$(awk -v scope="$scope" '!/^#/ && NF >= 2 && (scope == "test" || $2 == "build") {print $1}' debian-packages.txt)
missing=()
for package in $wanted; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "scripts/system-packages.sh: installing ${missing[*]} (Debian packages)" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
