"""FISCO BCOS 2.x clients against a real node: FISCO's transaction format, its anti-replay
rule and its RPC dialect, checked with transactions built here (rlp + eth-keys) and with
golden values that FISCO's own Python SDK produced (its pemtest.pem account; the script is in
docs/benchmarks-history.md, "FISCO BCOS 2.x"). Prints `N passed, N failed`.
"""
import itertools
import os
import subprocess
import sys
import time

import rlp
from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak, to_checksum_address

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import STRAND  # noqa: E402
from fisco_transactions import (CHAIN_ID, GROUP_ID, PARALLEL_TRANSFER, PEMTEST_ADDRESS,  # noqa: E402
                                fisco_tx, transfer_call)
from node_harness import run_tests, selector  # noqa: E402

# Init code returning a runtime that returns 42.
TINY_INIT = bytes.fromhex("600a600c600039600a6000f3602a60005260206000f3")
# The python-sdk's SignTx on the transaction below (randomid 1, block limit 500, chain 20200, group 1).
SDK_DEPLOY_RAW = ("0xf86f018401c9c3808401c9c3808201f4808096600a600c600039600a6000f3602a60005260206000f3824ee80180"
                  "1ca09e960e677b10ce19d7bf3ddf4f253924c4da690251b1098f39a85170699b86eba0460636d83a03edab56ada5f2"
                  "5f3ecf4148387164c5e0fc51d3010b091a1d4484")
SDK_DEPLOY_HASH = "0xe926c112759eb7422a2db9309a95a76e3c38c3e7edb949273b974741604b4c0a"


RANDOM_IDS = itertools.count(1_000_001)


class Fisco:
    """FISCO's JSON-RPC dialect on a test chain: the group id first."""

    def __init__(self, chain):
        self.chain = chain

    def rpc(self, method, *params, request_id=0):
        return self.chain.raw({"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)})

    def result(self, method, *params):
        answer = self.rpc(method, GROUP_ID, *params)
        assert "error" not in answer, f"{method}: {answer}"
        return answer["result"]

    def send(self, raw):
        return self.rpc("sendRawTransaction", GROUP_ID, "0x" + raw.hex())

    def receipt(self, tx_hash, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            receipt = self.result("getTransactionReceipt", tx_hash)
            if receipt is not None:
                return receipt
            time.sleep(0.1)
        raise AssertionError(f"no receipt for {tx_hash}")

    def height(self):
        return int(self.result("getBlockNumber"), 16)

    @staticmethod
    def fresh_id():
        return next(RANDOM_IDS)


def error_code(answer):
    assert "error" in answer, f"expected an error, got {answer}"
    return answer["error"]["code"]


def test_builder_matches_the_sdk(_chain):
    raw = fisco_tx(TINY_INIT)
    assert "0x" + raw.hex() == SDK_DEPLOY_RAW
    assert "0x" + keccak(raw).hex() == SDK_DEPLOY_HASH


def test_deploy_receipt_call_and_code(chain):
    fisco = Fisco(chain)
    receipt_before = fisco.result("getTransactionReceipt", SDK_DEPLOY_HASH)
    assert receipt_before is None
    answer = fisco.send(bytes.fromhex(SDK_DEPLOY_RAW[2:]))
    assert answer.get("result") == SDK_DEPLOY_HASH, answer
    receipt = fisco.receipt(SDK_DEPLOY_HASH)
    expected_address = to_checksum_address(keccak(rlp.encode([bytes.fromhex(PEMTEST_ADDRESS[2:]), 0]))[12:])
    assert receipt["status"] == "0x0", receipt
    assert receipt["contractAddress"] == expected_address, receipt
    assert receipt["from"] == PEMTEST_ADDRESS and receipt["to"] == "0x" + "00" * 20
    assert receipt["input"] == "0x" + TINY_INIT.hex() and receipt["output"] == "0x" and receipt["logs"] == []
    for key in ("gasUsed", "blockNumber", "blockHash", "transactionHash", "transactionIndex"):
        assert receipt[key].startswith("0x"), (key, receipt)
    assert fisco.result("getCode", expected_address) == "0x602a60005260206000f3"
    call = fisco.result("call", {"from": PEMTEST_ADDRESS, "to": expected_address, "value": "0x0", "data": "0x"})
    assert call == {"currentBlockNumber": hex(fisco.height()), "status": "0x0", "output": "0x" + "00" * 31 + "2a"}, call
    tx = fisco.result("getTransactionByHash", SDK_DEPLOY_HASH)
    assert tx["blockLimit"] == "0x1f4" and tx["groupId"] == "0x1" and tx["chainId"] == hex(CHAIN_ID) and tx["extraData"] == "0x"
    assert tx["nonce"] == "0x1" and tx["from"] == PEMTEST_ADDRESS and tx["signature"]["v"] == "0x1c"
    # The eth_* view of the same transaction: the nearest Ethereum shape.
    eth = fisco.chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionByHash", "params": [SDK_DEPLOY_HASH]})["result"]
    assert eth["type"] == "0x0" and eth["hash"] == SDK_DEPLOY_HASH and eth["from"] == PEMTEST_ADDRESS, eth
    # Sent again, once in a block: already in the chain.
    assert error_code(fisco.send(bytes.fromhex(SDK_DEPLOY_RAW[2:]))) == 10001


def test_anti_replay(chain):
    fisco = Fisco(chain)
    height = fisco.height()
    limit = height + 100
    first = fisco_tx(transfer_call("userAdd", "carol", 5), to=PARALLEL_TRANSFER, randomid=777, block_limit=limit)
    answer = fisco.send(first)
    assert "result" in answer, answer
    assert error_code(fisco.send(first)) in (10000, 10001)  # pending, or already committed
    # Another transaction with the same random id, pending or committed within the window.
    same_id = fisco_tx(transfer_call("userAdd", "dave", 5), to=PARALLEL_TRANSFER, randomid=777, block_limit=limit)
    assert error_code(fisco.send(same_id)) == 15
    fisco.receipt(answer["result"])
    assert error_code(fisco.send(same_id)) == 15
    expired = fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=fisco.height())
    assert error_code(fisco.send(expired)) == 16
    too_far = fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=fisco.height() + 1001)
    assert error_code(fisco.send(too_far)) == 16
    edge = fisco_tx(transfer_call("userAdd", "erin", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(),
                    block_limit=fisco.height() + 1000)
    assert "result" in fisco.send(edge)


def test_envelope_and_identity_errors(chain):
    fisco = Fisco(chain)
    limit = fisco.height() + 10
    assert error_code(fisco.send(fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit, group_id=2))) == 10003
    assert error_code(fisco.send(fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit, chain_id=1))) == 10002
    assert error_code(fisco.send(fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit, v_override=37))) == 10005
    fields = rlp.decode(fisco_tx(b"", to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit))
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    high_s = rlp.encode(fields[:12] + [(n - int.from_bytes(fields[12], "big")).to_bytes(32, "big")])
    assert error_code(fisco.send(high_s)) == 5
    assert error_code(fisco.send(b"\xc0")) == 10005
    # A wrong group id in the call itself.
    assert error_code(fisco.rpc("sendRawTransaction", 2, "0x" + fisco_tx(b"", to=PARALLEL_TRANSFER).hex())) == -40001


def test_dialect_group_ids_and_shapes(chain):
    fisco = Fisco(chain)
    for method in ("getBlockNumber", "getSealerList", "getObserverList", "getSyncStatus", "getPeers", "getGroupPeers",
                   "getNodeIDList", "getPendingTxSize", "getPendingTransactions", "getTotalTransactionCount",
                   "getConsensusStatus"):
        assert error_code(fisco.rpc(method, 7)) == -40001, method
        fisco.result(method)
    assert fisco.rpc("getClientVersion")["result"]["Supported Version"].startswith("2.")
    assert fisco.result("getGroupList") == [1]
    assert error_code(fisco.rpc("getPbftView", GROUP_ID)) == -40007  # a solo chain runs no PBFT
    assert fisco.rpc("getBlockNumber", GROUP_ID, request_id=0)["id"] == 0
    head = fisco.height()
    block = fisco.result("getBlockByNumber", hex(head), True)
    assert block["number"] == hex(head) and block["sealer"] == "0x0" and len(block["sealerList"]) == 1
    assert block["extraData"] == [] and len(block["signatureList"]) == 1 and block["transactions"][0]["hash"].startswith("0x")
    assert fisco.result("getBlockHashByNumber", hex(head)) == block["hash"]
    assert fisco.result("getBlockByHash", block["hash"], False)["transactions"] == [t["hash"] for t in block["transactions"]]
    tx = fisco.result("getTransactionByBlockNumberAndIndex", hex(head), "0x0")
    assert tx["hash"] == block["transactions"][0]["hash"]
    assert fisco.result("getTransactionByBlockHashAndIndex", block["hash"], "0x0") == tx
    assert error_code(fisco.rpc("getTransactionByBlockNumberAndIndex", GROUP_ID, hex(head), "0x99")) == -40005
    assert error_code(fisco.rpc("getBlockByNumber", GROUP_ID, hex(head + 50), True)) == -40004
    assert error_code(fisco.rpc("getBlockByHash", GROUP_ID, "0x" + "ab" * 32, True)) == -40003
    assert fisco.result("getSystemConfigByKey", "tx_count_limit") == "10000"
    assert error_code(fisco.rpc("getSystemConfigByKey", GROUP_ID, "no_such_key")) == -40008
    assert error_code(fisco.rpc("call", GROUP_ID, {"to": "0x" + PARALLEL_TRANSFER.hex(), "data": "0x"})) == -40006


def test_one_account_parallel_transfers_and_failures(chain):
    """Many userTransfers from one account in FISCO format: no nonce chains them."""
    fisco = Fisco(chain)
    limit = fisco.height() + 500
    setup = [fisco_tx(transfer_call("userAdd", f"u{i}", 1000), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit)
             for i in range(20)]
    for raw in setup:
        assert "result" in fisco.send(raw)
    fisco.receipt("0x" + keccak(setup[-1]).hex())
    before = fisco.result("getTotalTransactionCount")
    hashes = []
    for i in range(20):
        raw = fisco_tx(transfer_call("userTransfer", f"u{i}", f"u{(i + 1) % 20}", 10 + i), to=PARALLEL_TRANSFER,
                       randomid=fisco.fresh_id(), block_limit=limit)
        answer = fisco.send(raw)
        assert "result" in answer, answer
        hashes.append(answer["result"])
    overdraw = fisco_tx(transfer_call("userTransfer", "u0", "u1", 10**9), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit)
    failed_hash = fisco.send(overdraw)["result"]
    for tx_hash in hashes:
        assert fisco.receipt(tx_hash)["status"] == "0x0"
    failed = fisco.receipt(failed_hash)
    assert failed["status"] == "0x16" and failed["output"] != "0x", failed  # FISCO's RevertInstruction
    after = fisco.result("getTotalTransactionCount")
    assert int(after["txSum"], 16) - int(before["txSum"], 16) == 21
    assert int(after["failedTxSum"], 16) - int(before["failedTxSum"], 16) == 1
    for i in range(20):
        balance = fisco.result("call", {"from": PEMTEST_ADDRESS, "to": "0x" + PARALLEL_TRANSFER.hex(),
                                        "data": "0x" + transfer_call("userBalance", f"u{i}").hex()})
        expected = 1000 - (10 + i) + (10 + (i - 1) % 20)
        assert int(balance["output"], 16) == expected, (i, balance)
    # FISCO transactions leave the sender's account nonce alone.
    nonce = fisco.chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionCount", "params": [PEMTEST_ADDRESS, "latest"]})
    assert nonce["result"] == "0x1", nonce  # one creation only


SYSTEM_CONFIG = bytes.fromhex("0000000000000000000000000000000000001000")


def set_value_call(key, value):
    return selector("setValueByKey(string,string)") + encode(["string", "string"], [key, value])


def int256(output):
    return int.from_bytes(bytes.fromhex(output[2:]), "big", signed=True)


def gov(chain, key_file, *args):
    return subprocess.run([STRAND, "gov", "set-config", *args, "--key", key_file, "--rpc", chain.url],
                          capture_output=True, text=True, timeout=60)


def test_system_config_by_governors_only(chain):
    """SystemConfig as FISCO's console drives it: a stranger is told -50000, a governor (the first
    development account, by default) sets tx_count_limit with `strand gov`, a bad value is -51300,
    and the next blocks hold at most that many transactions; tx_gas_limit refuses the SDKs' gas."""
    fisco = Fisco(chain)
    limit = fisco.height() + 500
    stranger = fisco_tx(set_value_call("tx_count_limit", "2"), to=SYSTEM_CONFIG, randomid=fisco.fresh_id(), block_limit=limit)
    receipt = fisco.receipt(fisco.send(stranger)["result"])
    assert receipt["status"] == "0x0" and int256(receipt["output"]) == -50000, receipt
    assert fisco.result("getSystemConfigByKey", "tx_count_limit") == "10000"

    key_file = os.path.join(chain.dir, "governor.key")
    with open(key_file, "w") as f:
        f.write(chain.accounts[0].key.hex())
    done = gov(chain, key_file, "tx_count_limit", "2")
    assert done.returncode == 0 and "1 (done)" in done.stdout, done
    assert fisco.result("getSystemConfigByKey", "tx_count_limit") == "2"
    refused = gov(chain, key_file, "tx_gas_limit", "99999")
    assert refused.returncode == 1 and "-51300" in refused.stdout, refused

    start = fisco.height()
    burst = [fisco_tx(transfer_call("userAdd", f"limit{i}", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit)
             for i in range(6)]
    hashes = [fisco.send(raw)["result"] for raw in burst]
    for tx_hash in hashes:
        assert fisco.receipt(tx_hash)["status"] == "0x0"
    counts = [len(fisco.result("getBlockByNumber", hex(n), False)["transactions"]) for n in range(start + 1, fisco.height() + 1)]
    assert sum(counts) == 6 and max(counts) <= 2, counts

    assert gov(chain, key_file, "tx_gas_limit", "100000").returncode == 0
    over = fisco.send(fisco_tx(transfer_call("userAdd", "gas", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(), block_limit=limit))
    assert "error" in over and "tx_gas_limit 100000" in over["error"].get("data", ""), over
    assert gov(chain, key_file, "tx_gas_limit", "300000000").returncode == 0
    assert fisco.result("getSystemConfigByKey", "consensus_timeout") == "3"
    assert gov(chain, key_file, "consensus_timeout", "7").returncode == 0
    assert fisco.result("getSystemConfigByKey", "consensus_timeout") == "7"
    assert gov(chain, key_file, "consensus_timeout", "2").returncode == 1
    assert gov(chain, key_file, "tx_count_limit", "10000").returncode == 0
    assert "result" in fisco.send(fisco_tx(transfer_call("userAdd", "gas", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(),
                                           block_limit=limit))


def strand_gov(chain, key_file, *args):
    return subprocess.run([STRAND, "gov", *args, "--key", key_file, "--rpc", chain.url], capture_output=True, text=True, timeout=60)


def test_a_deploy_refused_by_permission(chain):
    """Permission as FISCO's console drives it: a governor grants _sys_tables_ (deploying) to one
    account with `strand gov grant`; `strand gov grants` lists it; from the next block a deploy by
    another account is included with FISCO's status 0x12 (a failure, status 0x0, to eth_*
    clients) and deploys nothing; revoked, the table is open again."""
    fisco = Fisco(chain)
    key_file = os.path.join(chain.dir, "governor.key")
    with open(key_file, "w") as f:
        f.write(chain.accounts[0].key.hex())
    grantee = chain.accounts[1].address
    granted = strand_gov(chain, key_file, "grant", "_sys_tables_", grantee)
    assert granted.returncode == 0 and "1 (done)" in granted.stdout, granted
    assert "-51000" in strand_gov(chain, key_file, "grant", "_sys_tables_", grantee).stdout
    listed = subprocess.run([STRAND, "gov", "grants", "_sys_tables_", "--rpc", chain.url], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and grantee.lower() in listed.stdout.lower() and '"enable_num"' in listed.stdout, listed

    limit = fisco.height() + 500
    refused = fisco.receipt(fisco.send(fisco_tx(TINY_INIT, randomid=fisco.fresh_id(), block_limit=limit))["result"])
    assert refused["status"] == "0x12", refused
    eth = chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionReceipt", "params": [refused["transactionHash"]]})["result"]
    assert eth["status"] == "0x0" and eth["contractAddress"] is None, eth

    revoked = strand_gov(chain, key_file, "revoke", "_sys_tables_", grantee)
    assert revoked.returncode == 0 and "1 (done)" in revoked.stdout, revoked
    assert "-51001" in strand_gov(chain, key_file, "revoke", "_sys_tables_", grantee).stdout
    deployed = fisco.receipt(fisco.send(fisco_tx(TINY_INIT, randomid=fisco.fresh_id(), block_limit=limit))["result"])
    assert deployed["status"] == "0x0" and fisco.result("getCode", deployed["contractAddress"]) == "0x602a60005260206000f3", deployed


def test_the_committee_changes_by_votes(chain):
    """ChainGovernance through `strand gov`: the lone genesis governor adds a second (its vote
    decides alone), who then governs; with two, one vote waits (0) until the other's (1)."""
    first = os.path.join(chain.dir, "governor.key")
    with open(first, "w") as f:
        f.write(chain.accounts[0].key.hex())
    second = os.path.join(chain.dir, "second.key")
    with open(second, "w") as f:
        f.write(chain.accounts[2].key.hex())
    added = strand_gov(chain, first, "grant-member", chain.accounts[2].address)
    assert added.returncode == 0 and "1 (done)" in added.stdout, added
    listed = subprocess.run([STRAND, "gov", "members", "--rpc", chain.url], capture_output=True, text=True, timeout=60)
    assert chain.accounts[2].address.lower() in listed.stdout.lower() and "threshold: 50 %" in listed.stdout, listed
    assert "1 (done)" in strand_gov(chain, second, "set-config", "consensus_timeout", "5").stdout
    waits = strand_gov(chain, second, "threshold", "60")
    assert waits.returncode == 0 and ": 0 (" in waits.stdout, waits
    made = strand_gov(chain, first, "threshold", "60")
    assert made.returncode == 0 and "1 (done)" in made.stdout, made
    assert "threshold: 60 %" in subprocess.run([STRAND, "gov", "members", "--rpc", chain.url], capture_output=True, text=True).stdout


def test_frozen_accounts_and_operators(chain):
    """ChainGovernance's unvoted acts through `strand gov`: a frozen account's transactions are
    refused with FISCO's status 31 until it is unfrozen; an operator named, only operators deploy
    (others get status 0x12); the operator revoked, deploying is open again."""
    fisco = Fisco(chain)
    key_file = os.path.join(chain.dir, "governor.key")
    with open(key_file, "w") as f:
        f.write(chain.accounts[0].key.hex())
    frozen_key = keys.PrivateKey(keccak(b"an account to freeze"))
    frozen = frozen_key.public_key.to_checksum_address()
    limit = fisco.height() + 500
    done = strand_gov(chain, key_file, "freeze", frozen)
    assert done.returncode == 0 and "1 (done)" in done.stdout, done
    assert "-52011" in strand_gov(chain, key_file, "freeze", frozen).stdout
    status = subprocess.run([STRAND, "gov", "account-status", frozen, "--rpc", chain.url],
                            capture_output=True, text=True, timeout=60)
    assert "has been frozen" in status.stdout, status
    refused = fisco.send(fisco_tx(transfer_call("userAdd", "frozen", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(),
                                  block_limit=limit, key=frozen_key))
    assert refused.get("error", {}).get("code") == 31 and "frozen" in refused["error"].get("data", ""), refused
    assert "1 (done)" in strand_gov(chain, key_file, "unfreeze", frozen).stdout
    assert "-52010" in strand_gov(chain, key_file, "unfreeze", frozen).stdout
    passed = fisco.send(fisco_tx(transfer_call("userAdd", "frozen", 1), to=PARALLEL_TRANSFER, randomid=fisco.fresh_id(),
                                 block_limit=limit, key=frozen_key))
    assert fisco.receipt(passed["result"])["status"] == "0x0", passed

    operator = chain.accounts[1]
    named = strand_gov(chain, key_file, "grant-operator", operator.address)
    assert named.returncode == 0 and "1 (done)" in named.stdout, named
    listed = subprocess.run([STRAND, "gov", "operators", "--rpc", chain.url], capture_output=True, text=True, timeout=60)
    assert operator.address.lower() in listed.stdout.lower(), listed
    assert "-52005" in strand_gov(chain, key_file, "grant-operator", chain.accounts[0].address).stdout
    other = fisco.receipt(fisco.send(fisco_tx(TINY_INIT, randomid=fisco.fresh_id(), block_limit=limit))["result"])
    assert other["status"] == "0x12", other
    mine = fisco.receipt(fisco.send(fisco_tx(TINY_INIT, randomid=fisco.fresh_id(), block_limit=limit,
                                             key=keys.PrivateKey(bytes(operator.key))))["result"])
    assert mine["status"] == "0x0" and mine["contractAddress"], mine
    assert "1 (done)" in strand_gov(chain, key_file, "revoke-operator", operator.address).stdout
    assert "-52007" in strand_gov(chain, key_file, "revoke-operator", operator.address).stdout
    reopened = fisco.receipt(fisco.send(fisco_tx(TINY_INIT, randomid=fisco.fresh_id(), block_limit=limit))["result"])
    assert reopened["status"] == "0x0", reopened


def test_a_frozen_contract(chain):
    """ContractLifeCycle through `strand gov`: a governor freezes a contract, a transaction to it is
    refused with FISCO's status 30 and `call` of it reverts; a manager the governor named unfreezes it."""
    fisco = Fisco(chain)
    key_file = os.path.join(chain.dir, "governor.key")
    with open(key_file, "w") as f:
        f.write(chain.accounts[0].key.hex())
    manager_file = os.path.join(chain.dir, "manager.key")
    with open(manager_file, "w") as f:
        f.write(chain.accounts[1].key.hex())
    limit = fisco.height() + 500
    deployed = fisco.receipt(fisco.send(fisco_tx(TINY_INIT, randomid=fisco.fresh_id(), block_limit=limit))["result"])
    contract = deployed["contractAddress"]
    done = strand_gov(chain, key_file, "freeze-contract", contract)
    assert done.returncode == 0 and "1 (done)" in done.stdout, done
    assert "-51900" in strand_gov(chain, key_file, "freeze-contract", contract).stdout
    assert "-51905" in strand_gov(chain, manager_file, "unfreeze-contract", contract).stdout
    status = subprocess.run([STRAND, "gov", "contract-status", contract, "--rpc", chain.url], capture_output=True, text=True, timeout=60)
    assert "has been frozen" in status.stdout and "managers: none" in status.stdout, status
    refused = fisco.send(fisco_tx(b"\x01", to=bytes.fromhex(contract[2:]), randomid=fisco.fresh_id(), block_limit=limit))
    assert refused.get("error", {}).get("code") == 30, refused
    called = fisco.rpc("call", GROUP_ID, {"from": PEMTEST_ADDRESS, "to": contract, "value": "0x0", "data": "0x01"})
    assert called["result"]["status"] != "0x0", called
    assert "1 (done)" in strand_gov(chain, key_file, "grant-contract-manager", contract, chain.accounts[1].address).stdout
    assert "1 (done)" in strand_gov(chain, manager_file, "unfreeze-contract", contract).stdout
    passed = fisco.receipt(fisco.send(fisco_tx(b"\x01", to=bytes.fromhex(contract[2:]), randomid=fisco.fresh_id(),
                                                block_limit=limit))["result"])
    assert passed["status"] == "0x0" and passed["output"].endswith("2a"), passed


def main():
    return run_tests([test_builder_matches_the_sdk, test_deploy_receipt_call_and_code, test_anti_replay,
                      test_envelope_and_identity_errors, test_dialect_group_ids_and_shapes,
                      test_one_account_parallel_transfers_and_failures, test_system_config_by_governors_only,
                      test_a_deploy_refused_by_permission, test_the_committee_changes_by_votes,
                      test_frozen_accounts_and_operators, test_a_frozen_contract])


if __name__ == "__main__":
    sys.exit(main())
