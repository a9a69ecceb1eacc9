# Starting and stopping a node for the scripts (sourced, not run): demo.sh, bench.sh,
# bench-erc20.sh and perf/record.sh all start their nodes here.
#
#   build_release               install packages, build release; sets $strand $loadgen (or $STRAND $LOADGEN)
#   measure_recovery            libsecp256k1 recovery, one thread (C) and all cores (SignatureVerifier):
#                               sets $single_ns and $batch_ns (ns per recovery); benchmarks call it
#                               before and after their load and average, as these VMs change speed
#   scratch_dir                 a temporary directory removed on exit (stopping the node first); sets $work
#   start_node DIR PORT [TOML]  chain init in DIR (4 funded accounts), extra node.toml lines, start,
#                               wait for RPC; sets $node_pid ($MAX_BLOCK_TXS replaces the sealer's block size,
#                               $GOVERNOR names the chain's governor instead of the first account)
#   wait_for_rpc PORT           wait until a node answers on 127.0.0.1:PORT
#   stop_node                   SIGTERM and wait
#   init_chain DIR NODES RPC P2P [chain init options…]
#                               a fresh multi-node chain directory; sets $chain_dir and $chain_urls
#                               (--rpc URL for each node, for strand-loadgen)
#   start_chain / stop_chain    `strand chain start` (waits until every node is healthy) / `chain stop`

measure_recovery() {
  local recovery
  recovery=$("$strand" bench foundation --json 2>/dev/null)
  single_ns=$(python3 -c "import json,sys;r=[x for x in json.loads(sys.argv[1]) if x['name'].startswith('sender recovery')][0];print(r['referenceNs'])" "$recovery")
  batch_ns=$(python3 -c "import json,sys;r=[x for x in json.loads(sys.argv[1]) if x['name'].startswith('batch recovery')][0];print(r['strandNs'])" "$recovery")
}

build_release() {
  scripts/install-deps.sh >/dev/null
  echo "==> building (release)" >&2
  swift build -c release >/dev/null
  # STRAND= and LOADGEN= measure other builds side by side with this one.
  strand=${STRAND:-.build/release/strand}
  loadgen=${LOADGEN:-.build/release/strand-loadgen}
}

scratch_dir() {
  work=$(mktemp -d)
  node_pid=""
  trap 'stop_chain; stop_node; rm -rf "$work"' EXIT
}

start_node() {
  local dir=$1 port=$2 extra=${3:-}
  rm -rf "$dir"
  "$strand" chain init --dir "$dir" --accounts 4 --rpc-port "$port" ${GOVERNOR:+--governor "$GOVERNOR"} ${CHANNEL_PORT:+--channel-port "$CHANNEL_PORT"} ${CRYPTO:+--crypto "$CRYPTO"} >/dev/null
  [ -n "$extra" ] && printf '\n%s\n' "$extra" >> "$dir/node.toml"
  if [ -n "${MAX_BLOCK_TXS:-}" ]; then
    sed -i "s/^max_block_txs = .*/max_block_txs = $MAX_BLOCK_TXS/" "$dir/node.toml"
  fi
  "$strand" node --config "$dir/node.toml" --log-level warning &
  node_pid=$!
  wait_for_rpc "$port"
}

# Waits until a node answers JSON-RPC on 127.0.0.1:PORT (up to 10 s).
wait_for_rpc() {
  local port=$1
  for _ in $(seq 200); do
    curl -s -X POST -H 'Content-Type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' \
      "http://127.0.0.1:$port/" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "node did not answer on port $port" >&2
  return 1
}

stop_node() {
  if [ -n "${node_pid:-}" ]; then
    kill -TERM "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=""
  fi
}

init_chain() {
  local dir=$1 nodes=$2 rpc=$3 p2p=$4
  shift 4
  stop_chain
  rm -rf "$dir"
  "$strand" chain init --dir "$dir" --nodes "$nodes" --rpc-port "$rpc" --p2p-port "$p2p" "$@" >/dev/null
  chain_dir=$dir
  chain_urls=()
  for k in $(seq 0 $((nodes - 1))); do chain_urls+=(--rpc "http://127.0.0.1:$((rpc + k))"); done
}

start_chain() {
  "$strand" chain start --dir "$chain_dir" >/dev/null
}

stop_chain() {
  if [ -n "${chain_dir:-}" ]; then
    "$strand" chain stop --dir "$chain_dir" >/dev/null 2>&1 || true
  fi
}
