#!/usr/bin/env bash
# FISCO BCOS's own Python SDK (github.com/FISCO-BCOS/python-sdk), unchanged, against a Strand
# node: its 2.x console in RPC mode runs getNodeVersion, getBlockNumber, deploys HelloWorld,
# calls get, sends set "Hello, FISCO", calls get again, reads the receipt and the block, and, as
# the chain's governor (its pemtest.pem account), sets tx_count_limit and reads it back.
#
#   scripts/fisco-sdk-session.sh SDK_DIR     SDK_DIR: a git checkout of the python-sdk
#
# Nothing of the SDK is changed or committed here. Outside its code: a virtual environment
# with its requirements, its client_config.py written from its template (RPC mode, this
# node's URL, chain id and group id), HelloWorld.bin/.abi restored from its own history (no
# solc is reachable here), SystemConfig.abi written here from its .sol interface, and two shims for Python 3.11 in a sitecustomize.py on
# PYTHONPATH: inspect.getargspec aliased to getfullargspec, and its version check skipped
# (it reads 3.11 as 4.1).
set -euo pipefail
cd "$(dirname "$0")/.."
sdk=$(realpath "${1:?usage: scripts/fisco-sdk-session.sh SDK_DIR}")
source scripts/lib/node.sh
build_release
scratch_dir
port=8745

echo "==> python-sdk environment (in $sdk/.strand-venv)" >&2
[ -x "$sdk/.strand-venv/bin/python" ] || python3 -m venv "$sdk/.strand-venv"
"$sdk/.strand-venv/bin/pip" install -q -r "$sdk/requirements.txt"
for file in HelloWorld.bin HelloWorld.abi; do
  [ -f "$sdk/contracts/$file" ] || git -C "$sdk" show "099042e:contracts/$file" > "$sdk/contracts/$file"
done
# contracts/precompile/SystemConfig.sol: setValueByKey(string key, string value) returns (int).
[ -f "$sdk/contracts/precompile/SystemConfig.abi" ] || cat > "$sdk/contracts/precompile/SystemConfig.abi" <<'ABI'
[{"constant":false,"inputs":[{"name":"key","type":"string"},{"name":"value","type":"string"}],"name":"setValueByKey","outputs":[{"name":"","type":"int256"}],"payable":false,"stateMutability":"nonpayable","type":"function"}]
ABI
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
GOVERNOR=0x2De5C210370Daef452Eb610AF76C3A293AE1661f start_node "$work/chain" "$port"
chain_id=$(curl -s -X POST --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' "http://127.0.0.1:$port/" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"], 16))')
sed -e 's|^\( *client_protocol = \).*|\1"rpc"|' -e "s|^\\( *remote_rpcurl = \\).*|\\1\"http://127.0.0.1:$port\"|" \
    -e "s|^\\( *fiscoChainId = \\).*|\\1$chain_id|" -e 's|^\( *groupid = \).*|\11|' \
    -e 's|^\( *background = \).*|\1False|' "$sdk/client_config.py.template" > "$sdk/client_config.py"

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
TAIL=8 console setSystemConfigByKey tx_count_limit 500; expect 'succ, output: 1'
console getSystemConfigByKey tx_count_limit; expect '500'
TAIL=8 console setSystemConfigByKey tx_gas_limit 99; expect '-51300'
console getSystemConfigByKey tx_gas_limit; expect '300000000'
echo "==> the python-sdk session ran unchanged against Strand: deployed $address, set and read \"Hello, FISCO\", set tx_count_limit as governor"
