#!/usr/bin/env bash
# Checks tests/vectors against its SHA256SUMS: every listed file present and
# unchanged, and no file in the folder that the list does not name.
# Usage: check_vectors.sh [VECTORS_DIR]   (default: tests/vectors beside this script)
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")" && pwd)/vectors"}
cd "$dir"
[[ -f SHA256SUMS ]] || { echo "check_vectors: no SHA256SUMS in $dir" >&2; exit 1; }

listed=$(sed -E 's/^[0-9a-f]{64}  //' SHA256SUMS | LC_ALL=C sort)
present=$(find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort)
status=0
extra=$(LC_ALL=C comm -13 <(echo "$listed") <(echo "$present"))
missing=$(LC_ALL=C comm -23 <(echo "$listed") <(echo "$present"))
if [[ -n $extra ]]; then
  echo "check_vectors: files not in SHA256SUMS (name them in SOURCES.md and add their sums):" >&2
  echo "$extra" | sed 's/^/  /' >&2
  status=1
fi
if [[ -n $missing ]]; then
  echo "check_vectors: files in SHA256SUMS but missing:" >&2
  echo "$missing" | sed 's/^/  /' >&2
  status=1
fi
if [[ -z $missing ]] && ! sha256sum --check --quiet --strict SHA256SUMS >&2; then
  echo "check_vectors: files changed since SHA256SUMS was written" >&2
  status=1
fi
[[ $status -eq 0 ]] && echo "check_vectors: $(echo "$listed" | wc -l) files match SHA256SUMS"
exit $status
