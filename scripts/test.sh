#!/usr/bin/env bash
# Sets up a fresh Debian machine (Debian packages; Swift must be on the PATH) and runs
# every test. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
if [ ! -d ../shared/testvectors/ethereum ]; then
  echo "test.sh: ../shared/testvectors/ethereum is missing; the vector tests read it in place" >&2
  exit 1
fi
swift build --build-tests
swift test --skip-build
