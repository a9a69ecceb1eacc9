#!/usr/bin/env bash
# Block sync, measured: a validator commits TXS dag-transfers with its observer stopped; then
# the observer starts and catches up through BlockImporter (recovery, execution, commit; no
# RPC). Prints the import rate in blocks/s and transactions/s, and transactions/s against the
# all-core libsecp256k1 recovery rate measured in the same run (target >= 0.6).
#
#   scripts/bench-sync.sh [TXS]          (TXS defaults to 100000; OBSERVER_LOG=FILE keeps the observer's log)
set -euo pipefail
cd "$(dirname "$0")/.."

txs=${1:-100000}
source scripts/lib/node.sh
build_release
scratch_dir
rpc_port=18945
p2p_port=18960

echo "==> reference: libsecp256k1 recovery rate on all cores" >&2
measure_recovery
batch_before=$batch_ns

"$strand" chain init --dir "$work/chain" --nodes 2 --validators 1 --accounts 4 --rpc-port "$rpc_port" --p2p-port "$p2p_port" >/dev/null
echo "==> the validator alone commits $txs transactions" >&2
"$strand" node --config "$work/chain/node0/node.toml" --log-level warning &
node_pid=$!
wait_for_rpc "$rpc_port"
"$loadgen" --rpc "http://127.0.0.1:$rpc_port" --workload dag-transfer --txs "$txs" --json > "$work/load.json"

height() { curl -s -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}' "http://127.0.0.1:$1/" | python3 -c "import json,sys;print(int(json.load(sys.stdin)['result'],16))"; }
target=$(height "$rpc_port")
total_txs=$(curl -s -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"getTotalTransactionCount","params":[1]}' "http://127.0.0.1:$rpc_port/" | python3 -c "import json,sys;print(int(json.load(sys.stdin)['result']['txSum'],16))")

# chain init gives two nodes on one host a core each; while it catches up, the observer has the
# machine to itself (the validator only serves), as it would on a host of its own: all cores.
sed -i 's/^threads = .*/threads = 0/' "$work/chain/node1/node.toml"
echo "==> the observer starts $target blocks ($total_txs transactions) behind" >&2
# The end is the observer's own log line for the last block, timestamped when it committed:
# polling its RPC (a curl and a python3 per poll) would take CPU from the node being measured.
observer_log="$work/observer.log"
started=$(date +%s.%N); echo "observer started at $(date +%T.%N)" >&2
"$strand" node --config "$work/chain/node1/node.toml" --log-level info > "$observer_log" 2>&1 &
observer_pid=$!
until grep -q "committed block $target:" "$observer_log"; do
  kill -0 "$observer_pid" 2>/dev/null || { echo "the observer stopped:" >&2; tail -20 "$observer_log" >&2; exit 1; }
  sleep 0.25
done
finished=$(grep -m1 "committed block $target:" "$observer_log" | python3 -c "import sys,datetime;print(datetime.datetime.fromisoformat(sys.stdin.read().split()[0].replace('Z','+00:00')).timestamp())")
[ -n "${OBSERVER_LOG:-}" ] && cp "$observer_log" "$OBSERVER_LOG"
kill -TERM "$observer_pid"; wait "$observer_pid" || true
stop_node

echo "==> reference again, after the catch-up" >&2
measure_recovery
python3 - "$started" "$finished" "$target" "$total_txs" "$batch_before" "$batch_ns" "$(nproc)" <<'PY'
import sys
started, finished, blocks, txs, batch_before, batch_after, cores = map(float, sys.argv[1:])
seconds = finished - started
before, after = 1e9 / batch_before, 1e9 / batch_after
recovery = (before + after) / 2
rows = [
    ("caught up", f"{int(blocks)} blocks, {int(txs)} transactions in {seconds:.2f} s (from the observer's start, process start included)"),
    ("import rate", f"{blocks / seconds:.1f} blocks/s, {txs / seconds:.0f} transactions/s"),
    (f"recovery rate, all {int(cores)} cores (SignatureVerifier)", f"{recovery:.0f}/s (before {before:.0f}, after {after:.0f})"),
    ("import transactions/s ÷ all-core recovery rate", f"{txs / seconds / recovery:.2f} (target >= 0.6)"),
]
width = max(len(k) for k, _ in rows)
for k, v in rows:
    print(f"{k.ljust(width)}  {v}")
PY
