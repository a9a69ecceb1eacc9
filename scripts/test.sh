#!/usr/bin/env bash
# Sets up a fresh Debian machine (Debian packages; Swift must be on the PATH) and runs
# every test: the Swift suites, then end-to-end tests of a real node with web3.py (transfers,
# ParallelTransfer, fuzzing) and as FISCO clients see it, of a 4-node chain, of PBFT validators under
# network faults and lying peers and of 4 PBFT validators, then of Vyper and ERC-20 contracts.
# CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
if [ ! -d ../shared/testvectors/ethereum ]; then
  echo "test.sh: ../shared/testvectors/ethereum is missing; the vector tests read it in place" >&2
  exit 1
fi
swift build --build-tests
swift test --skip-build

# Real clients against a real node, in a virtual environment of their own.
venv=.build-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check web3 eth-account rlp eth-keys gmssl
STRAND="$PWD/.build/debug/strand" "$venv/bin/python" Tests/python/test_node.py

# FISCO BCOS 2.x clients' view: FISCO transactions built with rlp + eth-keys against values
# FISCO's python-sdk produced, the anti-replay rule, the RPC dialect and its shapes, SystemConfig by governors.
STRAND="$PWD/.build/debug/strand" "$venv/bin/python" Tests/python/test_fisco.py
# FISCO's channel port as its SDKs speak it (TLS 1.2 with secp256k1, pushes, refusals).
STRAND="$PWD/.build/debug/strand" "$venv/bin/python" Tests/python/test_channel.py

# SM2 against gmssl, an independent implementation (the Swift suites check it against OpenSSL's).
STRAND="$PWD/.build/debug/strand" "$venv/bin/python" Tests/python/test_sm2_gmssl.py

# A 4-node chain (1 validator, 3 observers) of real processes: load on the observers, an
# observer killed and restarted hundreds of blocks behind (standard library only).
STRAND="$PWD/.build/debug/strand" python3 Tests/python/test_network.py

# A chain of 4 validators agreeing by PBFT: load spread over them; one killed and restarted, two
# killed (no commits, no fork) and restarted, the leader paused past a view change.
STRAND="$PWD/.build/debug/strand" python3 Tests/python/test_cluster.py
# The same 4 validators on a 国密 chain (--crypto sm: SM2 seals, votes and transactions, SM3 hashes).
STRAND_CRYPTO=sm STRAND="$PWD/.build/debug/strand" python3 Tests/python/test_cluster.py

# Running those 4 validators as operators do, under a parent that never reaps (a zombie is dead):
# chain start/stop/status and stale pid files, GET /health, systemd units, SIGHUP log reopening,
# ledger snapshot and restore, a validator rebuilt from its peers, a rolling restart under load.
STRAND="$PWD/.build/debug/strand" python3 Tests/python/test_operations.py

# A consortium that changes under load: 4 validators and 3 observers; governors make observers
# sealers (4 -> 5 -> 7, one validator killed meanwhile) and take them back to 4; every ledger
# verifies each seal against its height's validators.
STRAND="$PWD/.build/debug/strand" python3 Tests/python/test_membership.py

# The same 4 validators in a network namespace of their own, one loopback address each, under
# partitions, packet loss, a clock 10 s ahead, a restart loop and each byzantine behaviour of
# strand-dev's fault switch (short holds; scripts/faults.sh holds them longer). Needs root: skipped
# otherwise. The nodes run strand-dev, the developer's build with fault switches; strand has none.
STRAND="$PWD/.build/debug/strand-dev" python3 Tests/python/test_faults.py

# EVM contracts through a real node: a Vyper contract compiled here, deployed and used with
# web3.py, and the ERC-20 of ../shared/contracts; a virtual environment of its own.
contracts_venv=.build-venv-contracts
if [ ! -x "$contracts_venv/bin/python" ]; then
  python3 -m venv "$contracts_venv"
fi
"$contracts_venv/bin/pip" install --quiet --disable-pip-version-check web3 eth-account vyper playwright gmssl
STRAND="$PWD/.build/debug/strand" "$contracts_venv/bin/python" Tests/python/test_contracts.py
# A 国密 chain (--crypto sm) as FISCO's 国密 SDK uses it: SM2 transactions built as its python-sdk
# builds them (gmssl), SM3 hashes and addresses, Vyper contracts with SM3 selectors, refusals.
STRAND="$PWD/.build/debug/strand" "$contracts_venv/bin/python" Tests/python/test_fisco_gm.py
# The seed's applications, end to end on a 4-node chain.
STRAND="$PWD/.build/debug/strand" "$contracts_venv/bin/python" examples/evidence/test_evidence.py
STRAND="$PWD/.build/debug/strand" "$contracts_venv/bin/python" examples/reconciliation/test_reconciliation.py
# The block browser the node serves, in Debian's Chromium driven by Playwright, over both applications.
STRAND="$PWD/.build/debug/strand" "$contracts_venv/bin/python" Tests/python/test_browser.py
