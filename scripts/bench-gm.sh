#!/usr/bin/env bash
# The 国密 chain beside the secp256k1 one, in one run: fresh durable one-node chains (release
# build), `chain init` with and without --crypto sm, loaded alternately (secp256k1, sm, secp256k1,
# sm…) by strand-loadgen in FISCO's format (the only one a 国密 chain takes) with dag-transfer and
# erc20 and their checks; and, in the same run, the references: libsecp256k1's all-core recovery
# rate, and Strand's SM2 verification against OpenSSL's (`strand bench foundation`).
#
#   scripts/bench-gm.sh [TXS] [ERC20_TXS] [ROUNDS]      (defaults 100000, 20000, 2)
set -euo pipefail
cd "$(dirname "$0")/.."

txs=${1:-100000}
erc20_txs=${2:-20000}
rounds=${3:-2}
source scripts/lib/node.sh
build_release
scratch_dir
port=18855

echo "==> references: libsecp256k1 recovery and SM2 verification (Strand's and OpenSSL's)" >&2
references=$("$strand" bench foundation --json 2>/dev/null)

results=()
for round in $(seq "$rounds"); do
  for crypto in secp256k1 sm; do
    for workload in dag-transfer erc20; do
      n=$txs; [ "$workload" = erc20 ] && n=$erc20_txs
      echo "==> round $round: $crypto chain, $workload, $n transactions" >&2
      CRYPTO=$crypto start_node "$work/chain-$round-$crypto-$workload" "$port"
      result=$("$loadgen" --rpc "http://127.0.0.1:$port" --crypto "$crypto" --format fisco --workload "$workload" --txs "$n" --json)
      stop_node
      results+=("$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["crypto"]=sys.argv[2]; print(json.dumps(r))' "$result" "$crypto")")
    done
  done
done

python3 - "$references" "$(nproc)" "${results[@]}" <<'PY'
import json, statistics, sys
references = {row["name"]: row for row in json.loads(sys.argv[1])}
cores = int(sys.argv[2])
runs = [json.loads(r) for r in sys.argv[3:]]
def row(prefix):
    return next(v for k, v in references.items() if k.startswith(prefix))
secp_rate = 1e9 / row("batch recovery")["strandNs"]
sm2_one = row("SM2 verify (Z, e, curve), 1 thread")
sm2_rate = 1e9 / row("SM2 batch verify")["strandNs"]
print(f"references (same run, {cores} cores):")
print(f"  libsecp256k1 recovery, all cores (SignatureVerifier)   {secp_rate:8.0f}/s")
print(f"  SM2 batch verification, e given, all cores              {sm2_rate:8.0f}/s")
print(f"  SM2 verify (Z, e, curve), 1 thread: Strand {1e9 / sm2_one['strandNs']:.0f}/s, OpenSSL {1e9 / sm2_one['referenceNs']:.0f}/s, "
      f"ratio {sm2_one['ratio']:.2f} (target >= 4)")
ok = True
for workload in ("dag-transfer", "erc20"):
    print(f"{workload}, FISCO format (committed TPS per round, alternated):")
    tps = {}
    for crypto in ("secp256k1", "sm"):
        mine = [r for r in runs if r["workload"] == workload and r["crypto"] == crypto]
        ok &= all(r["verify"] == "success" for r in mine)
        tps[crypto] = [r["committedTPS"] for r in mine]
        print(f"  {crypto:9}  " + "  ".join(f"{t:7.0f}" for t in tps[crypto])
              + f"   verify: {', '.join(sorted(set(r['verify'] for r in mine)))}")
    ratios = [s / e for s, e in zip(tps["sm"], tps["secp256k1"])]
    print(f"  国密 ÷ secp256k1, round by round: " + "  ".join(f"{x:.2f}" for x in ratios)
          + f"   (median {statistics.median(ratios):.2f})")
    print(f"  secp256k1 TPS ÷ its recovery rate {statistics.median(tps['secp256k1']) / secp_rate:.2f};"
          f"  国密 TPS ÷ SM2's all-core rate {statistics.median(tps['sm']) / sm2_rate:.2f}")
sys.exit(0 if ok else 1)
PY
