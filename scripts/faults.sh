#!/usr/bin/env bash
# Network faults and byzantine validators on real processes, held longer than in CI: 4 PBFT
# validators in a network namespace of their own (127.0.0.2-5), links cut with iptables, 20 s per
# fault, a one-minute restart loop (Tests/python/test_faults.py with FAULTS_LONG=1). Needs root.
#
#   scripts/faults.sh            (the nodes run strand-dev, which has the fault switches)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >/dev/null
swift build >/dev/null
FAULTS_LONG=1 STRAND="$PWD/.build/debug/strand-dev" python3 Tests/python/test_faults.py
