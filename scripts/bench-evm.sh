#!/usr/bin/env bash
# The EVM against revm, in the same run: `strand bench evm` (release build), then the same
# loop programs on revm through the PyPI package pyrevm (in .build-venv-bench).
#
#   scripts/bench-evm.sh [strand bench evm options…]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh >/dev/null
echo "==> building (release)" >&2
swift build -c release --product strand >/dev/null
venv=.build-venv-bench
if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating $venv with pyrevm" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pyrevm
fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT
.build/release/strand bench evm --json "$@" > "$results"
echo "==> revm (pyrevm) on the same programs" >&2
"$venv/bin/python" perf/revm_compare.py "$results"
