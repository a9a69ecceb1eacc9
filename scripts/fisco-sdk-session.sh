#!/usr/bin/env bash
# FISCO BCOS's own Python SDK (github.com/FISCO-BCOS/python-sdk), unchanged, against a Strand
# node: its 2.x console in RPC mode runs getNodeVersion, getBlockNumber, deploys HelloWorld,
# calls get, sends set "Hello, FISCO", calls get again, reads the receipt and the block, and, as
# the chain's governor (its pemtest.pem account), sets tx_count_limit and reads it back, registers
# HelloWorld with CNS and finds it by name (and is refused the same name and version again), creates
# a table and describes it, and is refused a deploy while only another account holds _sys_tables_
# (and deploys again once that grant is revoked). Then, on
# a chain of 4 validators with a fifth node from `strand chain add-node`, its console makes that
# node an observer (it syncs), then a sealer (five listed; later seals hold four signatures; two of
# five stopped stop the chain, restarted it resumes), and removes it (back to four).
#
#   scripts/fisco-sdk-session.sh SDK_DIR     SDK_DIR: a git checkout of the python-sdk
#   MODE=channel scripts/fisco-sdk-session.sh SDK_DIR
#                                            the same over FISCO's channel port (the SDK's default
#                                            mode: TLS 1.2 with secp256k1, the sdk/ certificates that
#                                            chain init wrote), receipts pushed as blocks commit
#   MODE=gm scripts/fisco-sdk-session.sh SDK_DIR
#                                            国密: `chain init --crypto sm` chains, the SDK with
#                                            crypto_type "GM" and its bin/accounts/gm_account.json
#                                            (the governor), in RPC mode; the whole session, its
#                                            system-contract calls made with SM3 selectors
#
# Nothing of the SDK is changed or committed here. Outside its code: a virtual environment
# with its requirements, its client_config.py written from its template (RPC mode, this
# node's URL, chain id and group id), HelloWorld.bin/.abi restored from its own history (no
# solc is reachable here), the system contracts' .abi files written here from their .sol interfaces, and two shims for Python 3.11 in a sitecustomize.py on
# PYTHONPATH: inspect.getargspec aliased to getfullargspec, and its version check skipped
# (it reads 3.11 as 4.1).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
sdk=$(realpath "${1:?usage: scripts/fisco-sdk-session.sh SDK_DIR}")
source scripts/lib/node.sh
build_release
scratch_dir
port=8745

echo "==> python-sdk environment (in $sdk/.strand-venv)" >&2
[ -x "$sdk/.strand-venv/bin/python" ] || python3 -m venv "$sdk/.strand-venv"
"$sdk/.strand-venv/bin/pip" install -q -r "$sdk/requirements.txt"
mode=${MODE:-rpc}
for file in HelloWorld.bin HelloWorld.abi; do
  git -C "$sdk" show "099042e:contracts/$file" > "$sdk/contracts/$file"
done
if [ "$mode" = gm ]; then
  # FISCO's 国密 solc emits SM3 selectors; without one, solc's HelloWorld gets them replaced in its
  # dispatcher (Tests/python/gm_selectors.py), with the SDK's own eth_utils for Keccak.
  PYTHONPATH="$sdk:$repo/Tests/python" "$sdk/.strand-venv/bin/python" "$repo/Tests/python/gm_selectors.py" \
    "$sdk/contracts/HelloWorld.bin" "$sdk/contracts/HelloWorld.abi" "$sdk/contracts/HelloWorld.bin"
fi
# contracts/precompile/SystemConfig.sol: setValueByKey(string key, string value) returns (int).
[ -f "$sdk/contracts/precompile/SystemConfig.abi" ] || cat > "$sdk/contracts/precompile/SystemConfig.abi" <<'ABI'
[{"constant":false,"inputs":[{"name":"key","type":"string"},{"name":"value","type":"string"}],"name":"setValueByKey","outputs":[{"name":"","type":"int256"}],"payable":false,"stateMutability":"nonpayable","type":"function"}]
ABI
# contracts/precompile/Consensus.sol: addSealer, addObserver, remove, each (string nodeID) returns (int).
[ -f "$sdk/contracts/precompile/Consensus.abi" ] || python3 - "$sdk/contracts/precompile/Consensus.abi" <<'PY'
import json, sys
abi = [{"constant": False, "inputs": [{"name": "nodeID", "type": "string"}], "name": name, "outputs": [{"name": "", "type": "int256"}],
        "payable": False, "stateMutability": "nonpayable", "type": "function"} for name in ("addSealer", "addObserver", "remove")]
json.dump(abi, open(sys.argv[1], "w"))
PY
# From the .sol interfaces in contracts/precompile/ (every argument a string): CNS, Permission,
# TableFactory and CRUD; `constant` functions return a string, the others an int.
python3 - "$sdk/contracts/precompile" <<'PY'
import json, os, sys
def function(name, inputs, constant=False):
    return {"constant": constant, "inputs": [{"name": n, "type": "string"} for n in inputs], "name": name,
            "outputs": [{"name": "", "type": "string" if constant else "int256"}], "payable": False,
            "stateMutability": "view" if constant else "nonpayable", "type": "function"}
abis = {
    "CNS": [function("selectByName", ["name"], True), function("selectByNameAndVersion", ["name", "version"], True),
            function("insert", ["name", "version", "addr", "cnsAbi"])],
    "Permission": [function("insert", ["table_name", "addr"]), function("remove", ["table_name", "addr"]),
                   function("queryByName", ["table_name"], True)],
    "TableFactory": [function("createTable", ["tableName", "key", "valueField"])],
    "CRUD": [function("insert", ["tableName", "key", "entry", "optional"]),
             function("update", ["tableName", "key", "entry", "condition", "optional"]),
             function("remove", ["tableName", "key", "condition", "optional"]),
             function("select", ["tableName", "key", "condition", "optional"], True)],
}
for name, abi in abis.items():
    path = os.path.join(sys.argv[1], name + ".abi")
    if not os.path.exists(path):
        json.dump(abi, open(path, "w"))
PY
mkdir -p "$work/shims"
cat > "$work/shims/sitecustomize.py" <<'PY'
import inspect, sys, types
if not hasattr(inspect, "getargspec"):
    inspect.getargspec = inspect.getfullargspec
checker = types.ModuleType("py_vesion_checker")
checker.check_py_version_with_exception = lambda: True
sys.modules["py_vesion_checker"] = checker
PY

# The SDK's own account governs the chain, so that its console may change it.
[ "$mode" = rpc ] || [ "$mode" = channel ] || [ "$mode" = gm ] || { echo "MODE is rpc, channel or gm, not $mode" >&2; exit 2; }
channel_port=20300
if [ "$mode" = gm ]; then
  # The SDK's gm_account.json (its address in lower case: the SDK capitalises it by SM3).
  GOVERNOR=0x7fe7097870bb7c63b3718096dd7eb08adc85b57f CRYPTO=sm CHANNEL_PORT=$channel_port start_node "$work/chain" "$port"
else
  GOVERNOR=0x2De5C210370Daef452Eb610AF76C3A293AE1661f CHANNEL_PORT=$channel_port start_node "$work/chain" "$port"
fi
chain_id=$(curl -s -X POST --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' "http://127.0.0.1:$port/" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"], 16))')
sed -e 's|^\( *client_protocol = \).*|\1"rpc"|' -e "s|^\\( *remote_rpcurl = \\).*|\\1\"http://127.0.0.1:$port\"|" \
    -e "s|^\\( *fiscoChainId = \\).*|\\1$chain_id|" -e 's|^\( *groupid = \).*|\11|' \
    -e 's|^\( *background = \).*|\1False|' "$sdk/client_config.py.template" > "$sdk/client_config.py"
# Channel mode: the port and the sdk/ directory of the node the SDK talks to.
use_channel() {
  sed -i -e 's|^\( *client_protocol = \).*|\1"channel"|' -e "s|^\\( *channel_port = \\).*|\\1$1|" \
      -e "s|^\\( *channel_ca = \\).*|\\1\"$2/ca.crt\"|" -e "s|^\\( *channel_node_cert = \\).*|\\1\"$2/sdk.crt\"|" \
      -e "s|^\\( *channel_node_key = \\).*|\\1\"$2/sdk.key\"|" "$sdk/client_config.py"
}
[ "$mode" = channel ] && use_channel "$channel_port" "$work/chain/sdk"
[ "$mode" = gm ] && sed -i -e 's|^\( *crypto_type = \).*|\1"GM"|' "$sdk/client_config.py"

# The console asks before recompiling HelloWorld.sol over the .abi/.bin; "n" keeps them.
console() {
  echo "\$ python console2.py $*"
  (cd "$sdk" && printf 'n\nn\n' | PYTHONPATH="$work/shims" timeout 60 .strand-venv/bin/python console2.py "$@" 2>&1) \
    | grep -v '^$' | tee "$work/last.txt" | tail -n "${TAIL:-6}"
}
expect() { grep -q -- "$1" "$work/last.txt" || { echo "FAILED: expected \"$1\"" >&2; exit 1; }; }

console getNodeVersion; expect '"Supported Version"'
console getBlockNumber; expect 'getBlockNumber'
TAIL=4 console deploy HelloWorld; expect 'save new address HelloWorld'
address=$(grep -o 'save new address HelloWorld -> 0x[0-9a-fA-F]*' "$work/last.txt" | awk '{print $NF}')
console call HelloWorld "$address" get; expect 'Hello, World!'
console sendtx HelloWorld "$address" set "Hello, FISCO"; expect 'transaction hash'
hash=$(grep -o 'transaction hash :  0x[0-9a-f]*' "$work/last.txt" | awk '{print $NF}')
console call HelloWorld "$address" get; expect 'Hello, FISCO'
TAIL=14 console getTransactionReceipt "$hash" HelloWorld; expect '"status": "0x0"'
number=$(curl -s -X POST --data "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"getTransactionReceipt\",\"params\":[1,\"$hash\"]}" \
  "http://127.0.0.1:$port/" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["blockNumber"], 16))')
TAIL=12 console getBlockByNumber "$number"; expect "$hash"
console getTotalTransactionCount; expect 'txSum'
TAIL=8 console setSystemConfigByKey tx_count_limit 500; expect 'succ, output: 1'
console getSystemConfigByKey tx_count_limit; expect '500'
TAIL=8 console setSystemConfigByKey tx_gas_limit 99; expect '-51300'
console getSystemConfigByKey tx_gas_limit; expect '300000000'
TAIL=8 console registerCNS HelloWorld "$address" 1.0; expect 'registerCNS succ, output: 1'
TAIL=8 console queryCNSByName HelloWorld; expect "ContractAddress: $address"
TAIL=8 console registerCNS HelloWorld "$address" 1.0; expect '-51200'
TAIL=8 console queryCNSByNameAndVersion HelloWorld 1.0; expect 'ContractVersion: 1.0'
TAIL=8 console createTable t_test name item_id,item_name; expect 'createTable succ, output: 0'
TAIL=8 console desc t_test; expect 'value_field: item_id,item_name'
TAIL=8 console createTable t_test name item_id; expect '-50001'
# Deploying granted to another account only: the SDK's own account is refused (FISCO's status 0x12).
other=0x00000000000000000000000000000000000000A1
TAIL=8 console grantDeployAndCreateManager "$other"; expect 'succ, output: 1'
TAIL=8 console listDeployAndCreateManager; expect 'address: 0x00000000000000000000000000000000000000A1'
TAIL=4 console deploy HelloWorld; expect 'No deploy permission'
TAIL=8 console revokeDeployAndCreateManager "$other"; expect 'succ, output: 1'
TAIL=30 console deploy HelloWorld; expect '"status": "0x0"'

echo "==> a consortium: 4 validators, and a fifth node from strand chain add-node" >&2
stop_node
rpc_base=8760
if [ "$mode" = gm ]; then
  init_chain "$work/consortium" 4 "$rpc_base" 30760 --governor 0x7fe7097870bb7c63b3718096dd7eb08adc85b57f --channel-port 20400 --crypto sm
else
  init_chain "$work/consortium" 4 "$rpc_base" 30760 --governor 0x2De5C210370Daef452Eb610AF76C3A293AE1661f --channel-port 20400
fi
new_node=$("$strand" chain add-node --dir "$chain_dir" 2>/dev/null)
start_chain
sed -i "s|^\( *remote_rpcurl = \).*|\1\"http://127.0.0.1:$rpc_base\"|" "$sdk/client_config.py"
[ "$mode" = channel ] && use_channel 20400 "$chain_dir/node0/sdk"
height() { curl -s -X POST --data '{"jsonrpc":"2.0","id":1,"method":"getBlockNumber","params":[1]}' "http://127.0.0.1:$1/" \
  | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"], 16))'; }
signatures() { curl -s -X POST --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getBlockByNumber\",\"params\":[1,\"$(printf 0x%x "$1")\",false]}" \
  "http://127.0.0.1:$rpc_base/" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["result"]["signatureList"]))'; }
# A block from the SDK's own transaction, so that the chain moves.
sendtx() { console sendtx HelloWorld "$address4" set "$1" >/dev/null; }
TAIL=4 console deploy HelloWorld; expect 'save new address HelloWorld'
address4=$(grep -o 'save new address HelloWorld -> 0x[0-9a-fA-F]*' "$work/last.txt" | awk '{print $NF}')
console getNodeIDList; expect "$new_node"
TAIL=8 console addObserver "$new_node"; expect 'succ, output: 1'
console getObserverList; expect "$new_node"
sendtx "observed"
for _ in $(seq 100); do [ "$(height $((rpc_base + 4)))" = "$(height "$rpc_base")" ] && break; sleep 0.2; done
[ "$(height $((rpc_base + 4)))" = "$(height "$rpc_base")" ] || { echo "FAILED: the new observer did not sync" >&2; exit 1; }
TAIL=8 console addSealer "$new_node"; expect 'succ, output: 1'
TAIL=8 console getSealerList; expect "$new_node"
sendtx "five"
[ "$(signatures "$(height "$rpc_base")")" = 4 ] || { echo "FAILED: a block after addSealer is not sealed by four of five" >&2; exit 1; }
echo "==> five sealers: the next block carries four signatures (quorum of five)" >&2
"$strand" chain stop --dir "$chain_dir" --node node2 --node node3 >/dev/null
stalled=$(height "$rpc_base")
# A transaction waits in the pools: with a quorum the chain would include it at once.
(cd "$sdk" && printf 'n\nn\n' | PYTHONPATH="$work/shims" timeout 60 .strand-venv/bin/python console2.py \
  sendtx HelloWorld "$address4" set "stalled" >/dev/null 2>&1 &)
sleep 4
[ "$(height "$rpc_base")" = "$stalled" ] || { echo "FAILED: the chain moved with two of five sealers stopped" >&2; exit 1; }
echo "==> two of five stopped: no block (quorum 4); restarting them" >&2
start_chain
for _ in $(seq 150); do [ "$(height "$rpc_base")" -gt "$stalled" ] && break; sleep 0.2; done
[ "$(height "$rpc_base")" -gt "$stalled" ] || { echo "FAILED: the chain did not resume" >&2; exit 1; }
if [ "$mode" = channel ]; then
  echo "==> events: the SDK's demo_event_callback.py (client/event_callback.py) at node0 hears a transaction sent at node1" >&2
  # HelloEvent.sol's events and functions, compiled here from Tests/python/contracts/HelloEvent.vy (no solc).
  "$sdk/.strand-venv/bin/pip" install -q vyper
  "$sdk/.strand-venv/bin/python" - "$sdk/contracts" <<'PY'
import json, sys, vyper
out = vyper.compile_code(open("Tests/python/contracts/HelloEvent.vy").read(), output_formats=["abi", "bytecode"])
json.dump(out["abi"], open(sys.argv[1] + "/HelloEvent.abi", "w"))
open(sys.argv[1] + "/HelloEvent.bin", "w").write(out["bytecode"][2:])
PY
  TAIL=4 console deploy HelloEvent; expect 'save new address HelloEvent'
  (cd "$sdk" && PYTHONPATH="$work/shims" exec .strand-venv/bin/python -u demo/demo_event_callback.py HelloEvent last on_set \
     > "$work/events.txt" 2>&1) &
  events_pid=$!
  for _ in $(seq 100); do grep -q 'waiting event' "$work/events.txt" && break; sleep 0.2; done
  grep -q 'after register ,event_name:on_set,result:0' "$work/events.txt" \
    || { echo "FAILED: the event registration was not accepted" >&2; cat "$work/events.txt" >&2; exit 1; }
  use_channel 20401 "$chain_dir/node1/sdk"
  event_address=$(grep -o 'save new address HelloEvent -> 0x[0-9a-fA-F]*' "$work/last.txt" | awk '{print $NF}')
  console sendtx HelloEvent "$event_address" set "sent at node1"; expect 'transaction hash'
  for _ in $(seq 100); do grep -q 'sent at node1' "$work/events.txt" && break; sleep 0.2; done
  grep -q 'sent at node1' "$work/events.txt" || { echo "FAILED: no event pushed to node0's SDK" >&2; cat "$work/events.txt" >&2; exit 1; }
  tail -n 12 "$work/events.txt"
  kill "$events_pid" 2>/dev/null || true

  echo "==> AMOP: a subscriber at node3, a publisher at node0, through the SDK's ChannelHandler and ChannelPack" >&2
  use_channel 20403 "$chain_dir/node3/sdk"
  (cd "$sdk" && PYTHONPATH="$work/shims" exec .strand-venv/bin/python -u "$repo/scripts/lib/sdk_amop.py" subscribe settlement \
     > "$work/amop.txt" 2>&1) &
  amop_pid=$!
  for _ in $(seq 100); do grep -q 'subscribed' "$work/amop.txt" && break; sleep 0.2; done
  use_channel 20400 "$chain_dir/node0/sdk"
  sleep 1
  (cd "$sdk" && PYTHONPATH="$work/shims" .strand-venv/bin/python "$repo/scripts/lib/sdk_amop.py" publish settlement "invoice 42") \
    | tee "$work/last.txt"; expect 'result 0 data ack:invoice 42'
  (cd "$sdk" && PYTHONPATH="$work/shims" .strand-venv/bin/python "$repo/scripts/lib/sdk_amop.py" publish nobody "hello?") \
    | tee "$work/last.txt"; expect 'result 100'
  kill "$amop_pid" 2>/dev/null || true
fi
TAIL=8 console removeNode "$new_node"; expect 'succ, output: 1'
TAIL=8 console getSealerList; expect '\]'
grep -q "$new_node" "$work/last.txt" && { echo "FAILED: the removed node is still a sealer" >&2; exit 1; }
echo "==> the python-sdk session ($mode mode) ran unchanged against Strand: deployed $address, set and read \"Hello, FISCO\", set tx_count_limit as governor, registered and found HelloWorld by CNS, created and described a table, was refused a deploy while only another account held _sys_tables_, took a fifth node from observer to sealer and removed it$([ "$mode" = channel ] && echo "; its event callback at node0 heard an event sent at node1; an AMOP message from node0 was answered by a subscriber at node3, and one to a topic nobody subscribed got 100")"
