#!/usr/bin/env bash
# Contracts against native transfers, end to end and in the same run: a fresh durable
# one-node chain per workload (release build), strand-loadgen `dag-transfer` then `erc20`
# (ERC-20 transfers through the EVM, ../shared/contracts/ERC20MockDecimals.json), the same
# number of transactions each. Prints both and erc20 TPS ÷ dag-transfer TPS.
#
#   scripts/bench-erc20.sh [TXS]        (TXS defaults to 100000)
set -euo pipefail
cd "$(dirname "$0")/.."

txs=${1:-100000}
source scripts/lib/node.sh
build_release
scratch_dir
port=18846

run() {
  local workload=$1
  start_node "$work/chain" "$port"
  echo "==> strand-loadgen $workload, $txs transactions" >&2
  "$loadgen" --rpc "http://127.0.0.1:$port" --workload "$workload" --txs "$txs" --json > "$work/$workload.json"
  stop_node
}

run dag-transfer
run erc20
python3 - "$work/dag-transfer.json" "$work/erc20.json" <<'PY'
import json, sys
native, erc20 = (json.load(open(p)) for p in sys.argv[1:3])
for r in (native, erc20):
    lat = r["latencyMs"]
    print(f"{r['workload']:<13} committed TPS {r['committedTPS']:>8.0f}   p50/p99 {lat['p50']}/{lat['p99']} ms   "
          f"{r['committed']}/{r['txs']} committed   verify_{r['verify']}")
ratio = erc20["committedTPS"] / native["committedTPS"]
print(f"erc20 TPS ÷ dag-transfer TPS: {ratio:.2f} (target ≥ 0.7: {'met' if ratio >= 0.7 else 'NOT met'})")
sys.exit(0 if native["verify"] == erc20["verify"] == "success" else 1)
PY
