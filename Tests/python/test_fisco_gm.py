"""A 国密 chain (`strand chain init --crypto sm`) as FISCO's 国密 clients see it: transactions
built as FISCO's python-sdk builds them in GM mode (rlp, and gmssl for SM2: the signed message is
SM3 of the RLP of the ten unsigned fields, v the signer's public key), SM3 transaction hashes,
addresses by SM3, contracts whose dispatchers take SM3 selectors (compiled with Vyper, selectors
replaced as gm_selectors.py says), KECCAK256 computing SM3, and Ethereum-format or secp256k1
transactions refused with a clear error. Prints `N passed, N failed`.
"""
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time

import rlp
import vyper
from eth_abi import decode, encode
from eth_account import Account
from gmssl import sm2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fisco_transactions import GAS, GROUP_ID, PARALLEL_TRANSFER, fisco_tx, transfer_call  # noqa: E402
from gm_selectors import gm_bytecode, sm3, sm3_selector  # noqa: E402
from harness import STRAND  # noqa: E402
from node_harness import CHAIN_ID, run_tests  # noqa: E402

N = int(sm2.default_ecc_table["n"], 16)
CONTRACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts")
RANDOM_IDS = iter(range(5_000_001, 6_000_000))


class GMAccount:
    """An SM2 account as the SDK's GM_Account: address = the last 20 bytes of SM3(public key)."""

    def __init__(self, private=None):
        self.private = private or "%064x" % (secrets.randbelow(N - 2) + 1)
        self.public = sm2.CryptSM2(private_key=self.private, public_key="")._kg(int(self.private, 16), sm2.default_ecc_table["g"])
        self.address = "0x" + sm3(bytes.fromhex(self.public))[12:].hex()

    def transaction(self, data, to=b"", block_limit=500, group_id=GROUP_ID):
        """As the SDK's Signer_GM signs: SM2 over e = SM3(Z ‖ SM3(rlp(fields))), v = the public key."""
        fields = [next(RANDOM_IDS), GAS, GAS, block_limit, to, 0, data, CHAIN_ID, group_id, b""]
        signer = sm2.CryptSM2(private_key=self.private, public_key="")
        signer.public_key = self.public  # the constructor strips leading 0s and 4s (test_sm2_gmssl.py)
        signature = signer.sign_with_sm3(sm3(rlp.encode(fields)))
        return rlp.encode(fields + [int(self.public, 16), int(signature[:64], 16), int(signature[64:], 16)])


ACCOUNT = GMAccount()


def compiled(name):
    out = vyper.compile_code(open(os.path.join(CONTRACTS, name + ".vy")).read(), output_formats=["abi", "bytecode"])
    return gm_bytecode(bytes.fromhex(out["bytecode"][2:]), out["abi"])


def fisco(chain, method, *params):
    answer = chain.raw({"jsonrpc": "2.0", "id": 1, "method": method, "params": [GROUP_ID, *params]})
    assert "error" not in answer, f"{method}: {answer}"
    return answer["result"]


def send(chain, raw):
    answer = chain.raw({"jsonrpc": "2.0", "id": 1, "method": "sendRawTransaction", "params": [GROUP_ID, "0x" + raw.hex()]})
    assert "error" not in answer, answer
    tx_hash = answer["result"]
    assert tx_hash == "0x" + sm3(raw).hex(), (tx_hash, sm3(raw).hex())
    deadline = time.time() + 30
    while time.time() < deadline:
        receipt = fisco(chain, "getTransactionReceipt", tx_hash)
        if receipt is not None:
            return receipt
        time.sleep(0.1)
    raise AssertionError(f"no receipt for {tx_hash}")


def call(chain, to, signature, types=(), values=(), returns=("string",)):
    data = sm3_selector(signature) + encode(list(types), list(values))
    result = fisco(chain, "call", {"from": ACCOUNT.address, "to": to, "value": "0x0", "data": "0x" + data.hex()})
    assert result["status"] == "0x0", result
    return decode(list(returns), bytes.fromhex(result["output"][2:]))[0]


def test_hello_world_as_the_sdk_runs_it(chain):
    """Deploy, get, set, get, the receipt, the transaction and its block: hashes are SM3 of the raw
    transaction, the sender SM3's address of the key in v."""
    receipt = send(chain, ACCOUNT.transaction(compiled("HelloWorld")))
    assert receipt["status"] == "0x0" and receipt["from"].lower() == ACCOUNT.address, receipt
    address = receipt["contractAddress"]
    assert call(chain, address, "get()") == "Hello, World!"
    raw = ACCOUNT.transaction(sm3_selector("set(string)") + encode(["string"], ["Hello, 国密"]), to=bytes.fromhex(address[2:]))
    receipt = send(chain, raw)
    assert receipt["status"] == "0x0", receipt
    assert call(chain, address, "get()") == "Hello, 国密"
    tx = fisco(chain, "getTransactionByHash", receipt["transactionHash"])
    assert tx["from"].lower() == ACCOUNT.address and tx["signature"]["v"].lower().endswith(ACCOUNT.public.lower()), tx
    block = fisco(chain, "getBlockByNumber", receipt["blockNumber"], False)
    assert receipt["transactionHash"] in block["transactions"], block
    assert int(fisco(chain, "getTotalTransactionCount")["txSum"], 16) >= 2
    overview = chain.raw({"jsonrpc": "2.0", "id": 1, "method": "strand_overview", "params": []})["result"]
    assert overview["cryptoSuite"] == "sm", overview


def test_keccak256_computes_sm3(chain):
    receipt = send(chain, ACCOUNT.transaction(compiled("Digest")))
    assert receipt["status"] == "0x0", receipt
    digest = call(chain, receipt["contractAddress"], "digest(bytes)", ["bytes"], [b"abc"], returns=("bytes32",))
    assert digest == sm3(b"abc") and digest != hashlib.sha3_256(b"abc").digest(), digest.hex()


def sm3_call(signature, types, values):
    return sm3_selector(signature) + encode(types, values)


def test_the_native_contracts_answer_sm3_selectors(chain):
    """As FISCO's 国密 SDK calls its precompiled contracts: ParallelTransfer's userAdd and
    userBalance, and SystemConfig's setValueByKey from the chain's governor (the first development
    account, an SM2 key), all with SM3 selectors; the loadgen's Keccak ones still work."""
    receipt = send(chain, ACCOUNT.transaction(sm3_call("userAdd(string,uint256)", ["string", "uint256"], ["gm-user", 7]), to=PARALLEL_TRANSFER))
    assert receipt["status"] == "0x0", receipt
    assert call(chain, "0x" + PARALLEL_TRANSFER.hex(), "userBalance(string)", ["string"], ["gm-user"], returns=("uint256",)) == 7
    receipt = send(chain, ACCOUNT.transaction(transfer_call("userAdd", "keccak-user", 1), to=PARALLEL_TRANSFER))
    assert receipt["status"] == "0x0", receipt
    with open(os.path.join(chain.dir, "accounts.json")) as f:
        governor = GMAccount(json.load(f)[0]["privateKey"].removeprefix("0x"))
    system_config = bytes.fromhex("0000000000000000000000000000000000001000")
    receipt = send(chain, governor.transaction(sm3_call("setValueByKey(string,string)", ["string", "string"], ["tx_count_limit", "777"]),
                                               to=system_config))
    assert receipt["status"] == "0x0", receipt
    assert fisco(chain, "getSystemConfigByKey", "tx_count_limit") == "777"


def test_governance_from_the_command_line(chain):
    """`strand gov` signs with SM2 where the node says its chain is a 国密 one (getClientVersion)."""
    assert fisco(chain, "getClientVersion")["Crypto Suite"] == "sm"
    key = os.path.join(chain.dir, "governor.key")
    with open(os.path.join(chain.dir, "accounts.json")) as f:
        private = json.load(f)[0]["privateKey"]
    with open(key, "w") as f:
        f.write(private)
    os.chmod(key, 0o600)
    result = subprocess.run([STRAND, "gov", "set-config", "tx_count_limit", "888", "--key", key, "--rpc", chain.url],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result
    assert fisco(chain, "getSystemConfigByKey", "tx_count_limit") == "888"


def refusal(chain, method, raw):
    answer = chain.raw({"jsonrpc": "2.0", "id": 1, "method": method,
                        "params": ([GROUP_ID] if method == "sendRawTransaction" else []) + ["0x" + raw.hex()]})
    assert "error" in answer, answer
    return answer["error"]["message"] + " " + str(answer["error"].get("data", ""))  # FISCO's dialect: the detail in data


def test_other_suites_and_bad_signatures_are_refused(chain):
    height = int(fisco(chain, "getBlockNumber"), 16)
    ethereum = Account.create().sign_transaction({"chainId": CHAIN_ID, "nonce": 0, "gas": 21_000, "maxFeePerGas": 0,
                                                  "maxPriorityFeePerGas": 0, "to": "0x" + "11" * 20, "value": 0})
    assert "国密" in refusal(chain, "eth_sendRawTransaction", ethereum.raw_transaction)
    assert "国密" in refusal(chain, "sendRawTransaction", fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=next(RANDOM_IDS)))
    fields = rlp.decode(ACCOUNT.transaction(transfer_call("userAdd", "tampered", 1), to=PARALLEL_TRANSFER))
    fields[12] = (int.from_bytes(fields[12], "big") ^ 1).to_bytes(32, "big")
    assert "SM2" in refusal(chain, "sendRawTransaction", rlp.encode(fields))
    fields[10] = b"\x01" + b"\x07" * 64
    assert "64 bytes" in refusal(chain, "sendRawTransaction", rlp.encode(fields))
    time.sleep(1)
    assert fisco(chain, "getBlockNumber") == hex(height), "a refused transaction made a block"


if __name__ == "__main__":
    sys.exit(run_tests([test_hello_world_as_the_sdk_runs_it, test_keccak256_computes_sm3, test_the_native_contracts_answer_sm3_selectors,
                        test_governance_from_the_command_line, test_other_suites_and_bad_signatures_are_refused], init_args=("--crypto", "sm")))
