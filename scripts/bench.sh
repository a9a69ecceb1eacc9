#!/usr/bin/env bash
# The end-to-end benchmark: a fresh durable one-node chain (release build, jemalloc), the
# dag-transfer load from strand-loadgen, and in the same run the single-thread and
# all-core libsecp256k1 recovery rates it is measured against (before and after the load, averaged). Prints one table, and draws
# the run beside it in perf/out/bench.svg (strand-loadgen --report).
#
#   scripts/bench.sh [TXS] [extra strand-loadgen options…]      (TXS defaults to 200000)
#   PIPELINING=false scripts/bench.sh …                          (commit each block before executing the next)
#   MAX_BLOCK_TXS=4000 scripts/bench.sh …                        (block size; the node's default otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."

txs=${1:-200000}
shift || true
source scripts/lib/node.sh
build_release
scratch_dir
port=18845

# The reference is measured before and after the load and the two averaged: these VMs change
# speed over seconds, and one measurement taken before the load can miss the phase it ran in.
echo "==> reference: libsecp256k1 recovery rate, 1 thread and all cores" >&2
measure_recovery
single_before=$single_ns batch_before=$batch_ns

echo "==> a fresh durable chain" >&2
start_node "$work/chain" "$port" "$(printf '[sealer]\npipelining = %s' "${PIPELINING:-true}")"

echo "==> strand-loadgen dag-transfer, $txs transactions" >&2
# strand-loadgen's defaults are the best-measured shape (2 connections × 1,000-transaction
# batches, 10,000 users); later options override them.
mkdir -p perf/out
result=$("$loadgen" --rpc "http://127.0.0.1:$port" --workload dag-transfer --txs "$txs" --json --report perf/out/bench.svg "$@")
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$node_pid/status")
stop_node
echo "==> reference again, after the load" >&2
measure_recovery

python3 - "$result" "$single_before" "$batch_before" "$single_ns" "$batch_ns" "$peak_kib" "$(nproc)" <<'PY'
import json, os, sys
r = json.loads(sys.argv[1])
singles, batches = (float(sys.argv[2]), float(sys.argv[4])), (float(sys.argv[3]), float(sys.argv[5]))
peak_mib, cores = int(sys.argv[6]) / 1024, int(sys.argv[7])
one = sum(1e9 / ns for ns in singles) / 2
all_before, all_after = (1e9 / ns for ns in batches)
all_cores = (all_before + all_after) / 2
lat = r["latencyMs"]
rows = [
    ("workload", f"{r['workload']}, {r['txs']} transactions (durable ledger, pipelining {os.environ.get('PIPELINING', 'true')})"),
    ("committed TPS", f"{r['committedTPS']:.0f}"),
    ("submitted TPS", f"{r['submittedTPS']:.0f}"),
    ("latency p50 / p90 / p99 / max", f"{lat['p50']} / {lat['p90']} / {lat['p99']} / {lat['max']} ms"),
    ("accepted / committed", f"{r['accepted']} / {r['committed']}"),
    ("rejected", ", ".join(f"{k}: {v}" for k, v in r["rejected"].items()) or "none"),
    ("verify", r["verify"]),
    ("recovery rate, 1 thread (libsecp256k1, C)", f"{one:.0f}/s"),
    (f"recovery rate, all {cores} cores (SignatureVerifier)", f"{all_cores:.0f}/s (before {all_before:.0f}, after {all_after:.0f})"),
    ("committed TPS ÷ all-core recovery rate", f"{r['committedTPS'] / all_cores:.2f}"),
    ("node peak resident memory", f"{peak_mib:.0f} MiB"),
]
width = max(len(k) for k, _ in rows)
for k, v in rows:
    print(f"{k.ljust(width)}  {v}")
print("picture of the run: perf/out/bench.svg")
sys.exit(0 if r["verify"] == "success" else 1)
PY
