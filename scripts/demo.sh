#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds Strand in release mode and shows what it does
# today: a key, a signed EIP-1559 transfer, its decoding, and the foundation benchmarks
# against their C references.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> building (release)"
swift build -c release
strand=".build/release/strand"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo
echo "==> strand keygen"
"$strand" keygen --out "$work/alice.key"

echo
echo "==> strand tx sign: 1 ether to 0x3535…35 on chain 20200"
raw=$("$strand" tx sign --key "$work/alice.key" --to 0x3535353535353535353535353535353535353535 \
  --value 1000000000000000000 --nonce 0 --chain-id 20200 --max-fee 1000000000 --priority-fee 1)
echo "$raw"

echo
echo "==> strand tx decode"
"$strand" tx decode "$raw"

echo
echo "==> strand tx decode of a malformed transaction (exits 1 with the reason)"
"$strand" tx decode "${raw:0:40}" || true

echo
echo "==> strand bench foundation (about a minute)"
"$strand" bench foundation

echo
echo "==> strand ledger: 20 synthetic blocks, durable, then a full verification"
"$strand" ledger fill --data "$work/ledger" --blocks 20 --transactions 200 --keys 2000 | tail -1
"$strand" ledger info --data "$work/ledger"
"$strand" ledger verify --data "$work/ledger"

echo
echo "==> strand bench executor: 10,000 DAG transfers, parallel against serial (a few seconds)"
"$strand" bench executor --conflicts 0 1 --repetitions 5
