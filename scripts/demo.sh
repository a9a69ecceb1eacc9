#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds Strand in release mode and shows what it does
# today: a one-node chain with a short demo load, a chain of 4 PBFT validators (one killed
# while the rest keep committing), a 国密 chain, keys and transactions, the ledger, the benchmarks against their C references,
# Ethereum's state tests, and end-to-end loads of native and ERC-20 transfers that end with
# the benchmark table.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/node.sh
build_release
scratch_dir

rpc() { curl -s -X POST -H 'Content-Type: application/json' --data "$1" "http://127.0.0.1:$port/"; echo; }

echo
echo "==> strand chain init: one node, funded development accounts; the node started"
port=18645
start_node "$work/chain" "$port"

echo
echo "==> demo load: 20 signed transfers from account 0 to account 1, sent as one JSON-RPC batch"
python3 -c "import json;print(json.load(open('$work/chain/accounts.json'))[0]['privateKey'])" > "$work/a0.key"
to=$(python3 -c "import json;print(json.load(open('$work/chain/accounts.json'))[1]['address'])")
batch="["
for n in $(seq 0 19); do
  raw=$("$strand" tx sign --key "$work/a0.key" --to "$to" --value 1000 --nonce "$n" --chain-id 20200)
  batch+="{\"jsonrpc\":\"2.0\",\"id\":$n,\"method\":\"eth_sendRawTransaction\",\"params\":[\"$raw\"]},"
done
answers=$(rpc "${batch%,}]")
echo "${answers:0:300} …"
sleep 1.5
echo "block number:       $(rpc '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}')"
echo "receiver's balance: $(rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"$to\",\"latest\"]}")"
echo "metrics:"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^strand_(block_height|transactions_committed_total|block_execution_seconds_(sum|count)|transaction_latency_seconds_(sum|count)) '
stop_node
"$strand" ledger verify --data "$work/chain/data"

echo
echo "==> a consortium: 4 validators agreeing by PBFT, certificates from the chain's CA"
init_chain "$work/net" 4 18745 18760 --accounts 2
"$strand" chain start --dir "$work/net"
echo "    5,000 transfers spread over the four validators"
"$loadgen" "${chain_urls[@]}" --workload dag-transfer --txs 5000 --users 500 | tail -4
"$strand" chain status --dir "$work/net"
curl -s -X POST -H 'Content-Type: application/json' \
  --data '{"jsonrpc":"2.0","id":1,"method":"getConsensusStatus","params":[1]}' http://127.0.0.1:18746/ |
  python3 -c "import json,sys;r=json.load(sys.stdin)['result'];print('    getConsensusStatus on node1:', {k: r[k] for k in ('algorithm','validatorCount','quorum','height','view','leaderIndex','viewChanges','blocksDecided')})"
echo "    node3 killed (kill -9): the other three are a quorum and keep committing"
kill -9 "$(cat "$work/net/node3/node.pid")"
"$loadgen" "${chain_urls[@]:0:6}" --workload dag-transfer --txs 3000 --users 500 | tail -4
"$strand" chain status --dir "$work/net" || true
echo "    node3 restarted (chain start starts exactly the nodes that are not running, a zombie counted as dead): it syncs what it missed and votes again"
"$strand" chain start --dir "$work/net" >/dev/null
height() { curl -s -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}' "http://127.0.0.1:$1/"; }
for _ in $(seq 60); do [ "$(height 18748)" = "$(height 18745)" ] && break; sleep 0.5; done
"$strand" chain status --dir "$work/net"
echo "    GET /health on node3: $(curl -s http://127.0.0.1:18748/health | cut -c1-160) …"
"$strand" chain stop --dir "$work/net"

echo
echo "==> a 国密 chain (chain init --crypto sm): SM2 signatures and keys, SM3 hashes, FISCO's 国密 transactions"
CRYPTO=sm start_node "$work/gm" 18790
"$loadgen" --rpc http://127.0.0.1:18790 --crypto sm --workload dag-transfer --txs 5000 --users 500 | tail -4
stop_node
"$strand" ledger verify --data "$work/gm/data"

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

if [ -d ../shared/testvectors/ethereum/GeneralStateTests ]; then
  echo
  echo "==> strand statetest: Ethereum's Cancun general state tests (a few seconds)"
  "$strand" statetest ../shared/testvectors/ethereum/GeneralStateTests 2>/dev/null | tail -1
fi

echo
echo "==> strand bench evm: time per instruction and per ERC-20 transfer"
"$strand" bench evm --iterations 200000

echo
echo "==> end to end, contracts: 20,000 dag-transfers, then 20,000 ERC-20 transfers through the EVM"
scripts/bench-erc20.sh 20000

echo
echo "==> end to end: 20,000 dag-transfers on a fresh durable node, against the recovery rate"
scripts/bench.sh 20000
