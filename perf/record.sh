#!/usr/bin/env bash
# Profiles a node under load: starts a fresh chain (release build), records the node with
# `perf record -e cpu-clock -g` (no hardware counters on these VMs) while strand-loadgen runs
# WORKLOAD, then writes perf/out/top.txt (top symbols, demangled, each with its library, so that
# a sample perf cannot name, such as one in libsecp256k1's internal functions, still says where
# it is) and perf/out/flame.svg.
#
#   perf/record.sh [dag-transfer|transfer|hotspot|erc20] [TXS] [extra strand-loadgen options…]   (TXS 200000, as bench.sh)
#   perf/record.sh --attach PID SECONDS      one running node (of a cluster, say: `strand chain status`
#                                            names them; the pid is in DATA/LOCK), while its load runs
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "perf/record.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
out=perf/out
mkdir -p "$out"

if [ "${1:-}" = "--attach" ]; then
  pid=${2:?usage: perf/record.sh --attach PID SECONDS}
  seconds=${3:?usage: perf/record.sh --attach PID SECONDS}
  kill -0 "$pid" 2>/dev/null || { echo "perf/record.sh: no process $pid" >&2; exit 1; }
  title="strand node (pid $pid), $seconds s"
  perf record -e cpu-clock -g -p "$pid" -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.log"
else
  workload=${1:-dag-transfer}
  txs=${2:-200000}
  shift 2 2>/dev/null || shift $# || true
  source scripts/lib/node.sh
  build_release
  scratch_dir
  port=18945
  perf_pid=""
  trap '[ -n "$perf_pid" ] && kill -INT "$perf_pid" 2>/dev/null; stop_node; rm -rf "$work"' EXIT

  # The node and the load of scripts/bench.sh: a fresh durable chain, strand-loadgen's defaults.
  start_node "$work/chain" "$port"
  perf record -e cpu-clock -g -p "$node_pid" -o "$out/perf.data" 2>"$out/perf-record.log" &
  perf_pid=$!
  "$loadgen" --rpc "http://127.0.0.1:$port" --keys "$work/chain/accounts.json" \
    --workload "$workload" --txs "$txs" "$@" | tee "$out/loadgen.txt"
  kill -INT "$perf_pid"; wait "$perf_pid" || true; perf_pid=""
  stop_node
  title="strand node, $workload, $txs transactions"
fi

# Sorted by library and symbol: a sample without a symbol shows as LIBRARY followed by its address.
perf report -i "$out/perf.data" --no-children --stdio --sort dso,symbol --percent-limit 0.5 2>/dev/null \
  | grep -E '^ +[0-9]' | head -40 | sed -E 's/ +-? +-? *$//' \
  | { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; } > "$out/top.txt"
perf script -i "$out/perf.data" 2>/dev/null \
  | python3 perf/flamegraph.py --folded "$out/stacks.folded" --svg "$out/flame.svg" --title "$title"
echo "top symbols: $out/top.txt"
echo "flame graph: $out/flame.svg"
head -15 "$out/top.txt"
