#!/usr/bin/env bash
# A 4-node chain (1 validator, 3 observers) against one node, end to end and in the same run:
# TXS dag-transfers from strand-loadgen, sent to the observers of the 4-node chain (gossip to
# the validator, blocks synced back), then to a fresh one-node chain. Four nodes on one
# machine share its cores: each recovers every signature and executes every block.
#
#   scripts/bench-network.sh [TXS]       (TXS defaults to 100000)
set -euo pipefail
cd "$(dirname "$0")/.."

txs=${1:-100000}
source scripts/lib/node.sh
build_release
scratch_dir

echo "==> 4 nodes: strand chain init --nodes 4 --validators 1, strand chain start" >&2
init_chain "$work/net" 4 19045 19060 --validators 1 --accounts 4
start_chain
echo "==> strand-loadgen dag-transfer, $txs transactions to the three observers" >&2
"$loadgen" "${chain_urls[@]:2}" --workload dag-transfer --txs "$txs" --json > "$work/net.json"
"$strand" chain status --dir "$work/net"
stop_chain

echo "==> one node, the same load" >&2
start_node "$work/one" 19145
"$loadgen" --rpc http://127.0.0.1:19145 --workload dag-transfer --txs "$txs" --json > "$work/one.json"
stop_node

python3 - "$work/net.json" "$work/one.json" <<'PY'
import json, sys
net, one = (json.load(open(p)) for p in sys.argv[1:3])
for name, r in (("4 nodes, load on observers", net), ("1 node", one)):
    lat = r["latencyMs"]
    print(f"{name:<28} committed TPS {r['committedTPS']:>8.0f}   p50/p99 {lat['p50']}/{lat['p99']} ms   "
          f"{r['committed']}/{r['txs']} committed   verify_{r['verify']}")
print(f"4-node TPS ÷ 1-node TPS: {net['committedTPS'] / one['committedTPS']:.2f}")
sys.exit(0 if net["verify"] == one["verify"] == "success" else 1)
PY
