#!/usr/bin/env bash
# Installs the Debian packages Strand builds and tests against. Idempotent; run as root
# (or with sudo available) on a fresh Debian 12 machine. Swift itself must be on the PATH.
set -euo pipefail

packages=(
  pkg-config
  libsecp256k1-dev   # signatures, with the recovery module
  liblmdb-dev        # the ledger
  libjemalloc-dev    # allocator for the executables
  libssl-dev         # the EVM precompiles (SHA-256, RIPEMD-160), CRLs, and TLS 1.2 with secp256k1 on the channel port
  curl               # the demo talks to the node with it
  iproute2           # network namespaces for the fault tests
  iptables           # links cut, partitioned and thinned inside them
  chromium           # the block browser's tests drive it headless (Playwright, never a downloaded browser)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present"
else
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The end-to-end test builds a virtual environment for web3.py.
if ! python3 -m venv --help >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "install-deps: installing python3-venv"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: 'swift' is not on the PATH; install Swift 6.1 or later (swift.org) and retry" >&2
  exit 1
fi
