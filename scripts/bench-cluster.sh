#!/usr/bin/env bash
# Four PBFT validators on this machine, load spread over all four (dag-transfer from
# strand-loadgen), measured against the all-core libsecp256k1 recovery rate of the same run
# divided by 4: the four nodes share the cores and each recovers every signature once.
# Three runs: the thread setting `strand chain init` writes for co-located nodes (cores ÷ nodes
# per host), the same chain with every node sized to all cores (side by side), and half the
# first run's TPS (latency under a load the cluster keeps up with). Consensus overhead per block
# is a replica's round (proposal received to decision) minus its own execution, from its log.
# Each run is drawn in perf/out/cluster-NAME.svg (strand-loadgen --report).
#
#   [STRAND=path/to/strand] scripts/bench-cluster.sh [TXS]       (TXS defaults to 100000)
set -euo pipefail
cd "$(dirname "$0")/.."

txs=${1:-100000}
source scripts/lib/node.sh
build_release
scratch_dir

echo "==> reference: all-core recovery rate" >&2
measure_recovery
batch_before=$batch_ns

# run NAME THREADS QPS COUNT: a fresh 4-validator chain, THREADS ("shared" keeps chain init's), one load.
run() {
  local name=$1 threads=$2 qps=$3 count=$4
  init_chain "$work/c" 4 19245 19260
  if [ "$threads" != shared ]; then
    sed -i "s/^threads = .*/threads = $threads/" "$work"/c/node*/node.toml
  fi
  grep -h "^threads" "$work/c/node0/node.toml" | sed "s/^/  $name: executor /" >&2
  start_chain
  echo "==> $name: $count dag-transfers over the 4 validators (qps $qps)" >&2
  mkdir -p perf/out
  "$loadgen" "${chain_urls[@]}" --workload dag-transfer --txs "$count" --qps "$qps" --connections 4 --json \
    --report "perf/out/cluster-$name.svg" > "$work/$name.json"
  for k in 0 1 2 3; do curl -s "http://127.0.0.1:$((19245 + k))/metrics"; done > "$work/$name.metrics"
  awk '/^strand_consensus_view_changes_total /{ sum += $2 } END { print sum + 0 }' "$work/$name.metrics" > "$work/$name.views"
  awk '/^strand_signatures_recovered_total /{ r += $2 } /^strand_transactions_committed_total /{ c += $2 }
       END { printf "%.2f\n", (c > 0 ? r / c : 0) }' "$work/$name.metrics" > "$work/$name.recovered"
  grep -h "decided block" "$work"/c/node1/node.log > "$work/$name.rounds" || true
  "$strand" chain status --dir "$work/c" >&2
  stop_chain
}

run shared shared 0 "$txs"
run all-cores 0 0 "$txs"
half=$(python3 -c "import json;print(int(json.load(open('$work/shared.json'))['committedTPS'] / 2))")
run half-load shared "$half" $((txs / 2))

echo "==> reference again, after the runs" >&2
measure_recovery
python3 - "$work" "$batch_before" "$batch_ns" <<'PY'
import json, re, statistics, sys
work, before, after = sys.argv[1], 1e9 / float(sys.argv[2]), 1e9 / float(sys.argv[3])
share = (before + after) / 2 / 4
print(f"all-core recovery {(before + after) / 2:.0f}/s (before {before:.0f}, after {after:.0f}); a quarter of it (each of 4 nodes recovers everything): {share:.0f}/s")
ok = True
for name in ("shared", "all-cores", "half-load"):
    r = json.load(open(f"{work}/{name}.json"))
    views = open(f"{work}/{name}.views").read().strip() or "0"
    # Each node recovers each transaction of its chain (the load's setup included) once at best;
    # more is waste (a proposal and the gossip of the same transactions, a block synced twice).
    recovered = float(open(f"{work}/{name}.recovered").read().strip() or "0")
    overheads, journals = [], []
    for line in open(f"{work}/{name}.rounds"):
        m = re.search(r"round (\d+) µs, execution here (\d+) µs, journal write (\d+) µs", line)
        if m and int(m.group(1)) > 0:
            overheads.append((int(m.group(1)) - int(m.group(2))) / 1000)
            journals.append(int(m.group(3)) / 1000)
    lat = r["latencyMs"]
    over = f"{statistics.median(overheads):.1f} ms (p90 {sorted(overheads)[int(len(overheads) * 0.9)]:.1f})" if overheads else "n/a"
    jour = f"{statistics.median(journals):.2f} ms" if journals else "n/a"
    print(f"{name:<10} committed TPS {r['committedTPS']:>7.0f}  ÷ quarter recovery {r['committedTPS'] / share:.2f}  "
          f"p50/p99 {lat['p50']}/{lat['p99']} ms  view changes {views}  consensus overhead/block {over}  "
          f"journal {jour}  recoveries per committed tx {recovered:.2f}  {r['committed']}/{r['txs']} verify_{r['verify']}")
    ok = ok and r["verify"] == "success"
sys.exit(0 if ok else 1)
PY
