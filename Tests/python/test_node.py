"""End-to-end test of a real node with real Ethereum clients (web3.py, eth-account).

Starts `strand node` on a fresh chain, sends legacy and EIP-1559 transfers and
ParallelTransfer calls, checks receipts, balances, nonces and the error answers to bad
input, stops the node with SIGTERM and verifies the ledger. Prints `N passed, N failed`.
"""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from eth_account import Account

from harness import ROOT, STRAND, free_port
from node_harness import CHAIN_ID, PARALLEL_TRANSFER, call_data, run_tests, send


def test_chain_identity(chain):
    assert chain.w3.eth.chain_id == CHAIN_ID
    assert chain.w3.net.version == str(CHAIN_ID)
    assert chain.w3.eth.block_number == 0
    assert chain.raw({"jsonrpc": "2.0", "id": 1, "method": "getClientVersion", "params": []})["result"]["Chain Id"] == str(CHAIN_ID)


def test_legacy_transfer(chain):
    a, b = chain.accounts[0], chain.accounts[1]
    before = chain.w3.eth.get_balance(b.address)
    nonce = chain.w3.eth.get_transaction_count(a.address)
    receipt = send(chain, a, {"to": b.address, "value": 10**18, "gas": 21000, "gasPrice": 0, "nonce": nonce,
                              "chainId": CHAIN_ID})
    assert receipt["status"] == 1 and receipt["gasUsed"] == 21000
    assert chain.w3.eth.get_balance(b.address) == before + 10**18
    assert chain.w3.eth.get_transaction_count(a.address) == nonce + 1
    tx = chain.w3.eth.get_transaction(receipt["transactionHash"])
    assert tx["from"] == a.address and tx["to"] == b.address and tx["value"] == 10**18


def test_eip1559_transfer_with_web3_fees(chain):
    a, c = chain.accounts[0], chain.accounts[2]
    before_a, before_c = chain.w3.eth.get_balance(a.address), chain.w3.eth.get_balance(c.address)
    latest = chain.w3.eth.get_block("latest")
    priority = chain.w3.eth.max_priority_fee
    tx = {"to": c.address, "value": 12345, "nonce": chain.w3.eth.get_transaction_count(a.address), "chainId": CHAIN_ID,
          "maxPriorityFeePerGas": priority, "maxFeePerGas": 2 * latest["baseFeePerGas"] + priority, "type": 2}
    tx["gas"] = chain.w3.eth.estimate_gas({"from": a.address, "to": c.address, "value": 12345})
    receipt = send(chain, a, tx)
    assert receipt["status"] == 1 and receipt["type"] == 2
    assert chain.w3.eth.get_balance(c.address) == before_c + 12345
    assert chain.w3.eth.get_balance(a.address) == before_a - 12345  # fees are off by default
    block = chain.w3.eth.get_block(receipt["blockNumber"], full_transactions=True)
    assert any(t["hash"] == receipt["transactionHash"] for t in block["transactions"])


def test_parallel_transfer_calls(chain):
    a = chain.accounts[1]
    nonce = chain.w3.eth.get_transaction_count(a.address)
    calls = [
        call_data("userAdd(string,uint256)", ["string", "uint256"], ["alice", 100]),
        call_data("userAdd(string,uint256)", ["string", "uint256"], ["bob", 0]),
        call_data("userTransfer(string,string,uint256)", ["string", "string", "uint256"], ["alice", "bob", 30]),
        call_data("userDraw(string,uint256)", ["string", "uint256"], ["bob", 31]),  # overdraw: fails
    ]
    hashes = []
    for i, data in enumerate(calls):
        signed = a.sign_transaction({"to": PARALLEL_TRANSFER, "data": data, "gas": 100000, "gasPrice": 0,
                                     "nonce": nonce + i, "chainId": CHAIN_ID})
        hashes.append(chain.w3.eth.send_raw_transaction(signed.raw_transaction))
    receipts = [chain.w3.eth.wait_for_transaction_receipt(h, timeout=30, poll_latency=0.1) for h in hashes]
    assert [r["status"] for r in receipts] == [1, 1, 1, 0]
    assert receipts[3]["revertReason"] == "ParallelTransfer: insufficient balance"
    balance = chain.w3.eth.call({"to": PARALLEL_TRANSFER,
                                 "data": call_data("userBalance(string)", ["string"], ["bob"])})
    assert int.from_bytes(balance, "big") == 30
    response = chain.raw({"jsonrpc": "2.0", "id": 7, "method": "eth_call", "params": [
        {"to": PARALLEL_TRANSFER, "data": "0x" + call_data("userBalance(string)", ["string"], ["nobody"]).hex()}, "latest"]})
    assert response["error"]["code"] == 3 and "unknown user" in response["error"]["message"]


def expect_rejected(chain, raw, words):
    response = chain.raw({"jsonrpc": "2.0", "id": 9, "method": "eth_sendRawTransaction", "params": [raw]})
    assert "error" in response, response
    assert response["error"]["code"] == -32000 and words in response["error"]["message"], response


def test_bad_transactions_are_rejected(chain):
    a = chain.accounts[2]
    nonce = chain.w3.eth.get_transaction_count(a.address)
    good = {"to": a.address, "value": 1, "gas": 21000, "gasPrice": 0, "nonce": nonce, "chainId": CHAIN_ID}
    expect_rejected(chain, "0x" + a.sign_transaction({**good, "chainId": 1}).raw_transaction.hex(), "chain id")
    expect_rejected(chain, "0x" + a.sign_transaction({**good, "nonce": nonce + 1000}).raw_transaction.hex(), "too far ahead")
    expect_rejected(chain, "0x" + a.sign_transaction({**good, "gas": 20000}).raw_transaction.hex(), "intrinsic gas")
    expect_rejected(chain, "0xf86c098504a817c800825208", "bad RLP")
    expect_rejected(chain, "0x03c0", "not supported")
    raw_good = "0x" + a.sign_transaction(good).raw_transaction.hex()
    first = chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": [raw_good]})
    assert "result" in first, first
    expect_rejected(chain, raw_good, "already known")
    chain.w3.eth.wait_for_transaction_receipt(first["result"], timeout=30, poll_latency=0.1)
    expect_rejected(chain, "0x" + a.sign_transaction({**good, "value": 2}).raw_transaction.hex(), "nonce too low")
    poor = Account.create()
    expect_rejected(chain, "0x" + poor.sign_transaction({**good, "nonce": 0}).raw_transaction.hex(), "insufficient balance")


def test_bad_requests_get_standard_errors(chain):
    assert chain.raw(b"{not json")["error"]["code"] == -32700
    assert chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_nothing", "params": []})["error"]["code"] == -32601
    assert chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": ["0x12"]})["error"]["code"] == -32602
    assert chain.raw({"id": 1, "method": "eth_chainId"})["error"]["code"] == -32600
    assert chain.raw([])["error"]["code"] == -32600
    batch = chain.raw([{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, {"jsonrpc": "2.0", "id": 2, "method": "x"}])
    assert batch[0]["result"] == hex(CHAIN_ID) and batch[1]["error"]["code"] == -32601


def test_fuzzed_input_changes_nothing(chain):
    import random
    rng = random.Random(2026)
    a = chain.accounts[0]
    template = a.sign_transaction({"to": chain.accounts[1].address, "value": 10**18, "gas": 21000, "gasPrice": 0,
                                   "nonce": chain.w3.eth.get_transaction_count(a.address) + 5000,
                                   "chainId": CHAIN_ID}).raw_transaction
    time.sleep(1.2)  # let anything pending seal first
    before = chain.w3.eth.get_block("latest")
    methods = ["eth_sendRawTransaction", "eth_getBalance", "eth_call", "eth_getBlockByNumber", "eth_getLogs",
               "eth_getTransactionReceipt", "eth_estimateGas", "eth_feeHistory", "getTransactionReceipt"]
    junk = [None, True, 1.5, -1, "0x", "0xzz", "latest", [], {}, "0x" + "ff" * 40, 2**80, "x" * 3000,
            {"to": "0x12", "data": "0xzz"}, {"fromBlock": "0x0", "toBlock": "0xffffffffff"}, "0x" + "f" * 70, "-0x1",
            "0x0", "0xffffffffffffffff", 0, 2**63, {"to": PARALLEL_TRANSFER, "gas": "0xffffffffffffffff", "value": "0x1"},
            {"from": "0x" + "00" * 20, "data": "0x" + "00" * 100}, {"address": [1, 2], "topics": [[None], "0x00"]},
            {"blockHash": "0x" + "11" * 32}, ["0x" + "ab" * 32], [0, ["x"]]]
    for i in range(800):
        raw = bytearray(template)
        for _ in range(rng.randint(1, 4)):
            if not raw:
                raw.append(rng.randrange(256))
            kind = rng.random()
            position = rng.randrange(len(raw))
            if kind < 0.6:
                raw[position] = rng.randrange(256)
            elif kind < 0.8:
                del raw[position:]
            else:
                raw[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        response = chain.raw({"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction", "params": ["0x" + raw.hex()]})
        assert "error" in response or "result" in response
        params = [rng.choice(junk) for _ in range(rng.randint(0, 3))]
        body = {"jsonrpc": "2.0", "id": i, "method": rng.choice(methods), "params": params}
        assert "jsonrpc" in json.dumps(chain.raw(body))
        noise = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        try:
            chain.raw(noise)
        except urllib.error.HTTPError:
            pass
    assert chain.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"})["result"] == hex(CHAIN_ID)
    time.sleep(1.2)
    after = chain.w3.eth.get_block("latest")
    assert after["number"] == before["number"] and after["stateRoot"] == before["stateRoot"], "fuzzed input changed the chain"


def test_out_of_range_numbers_name_the_parameter(chain):
    """A JSON number or hex quantity out of range, in any parameter, is -32602 naming it."""
    address = chain.accounts[0].address
    cases = [
        ("eth_getBlockByNumber", [2**80, False], "block"),
        ("eth_getBlockByNumber", [1.5, False], "block"),
        ("eth_getBlockByNumber", [-1, False], "block"),
        ("eth_getBlockByNumber", ["0x" + "f" * 17, False], "block"),
        ("eth_getBalance", [address, "0x" + "1" * 65], "block"),
        ("eth_feeHistory", [2**64, "latest", []], "block count"),
        ("eth_call", [{"to": address, "gas": 2**70}, "latest"], "gas"),
        ("eth_call", [{"to": address, "value": "0x1" + "0" * 64}, "latest"], "value"),
        ("eth_estimateGas", [{"to": address, "gas": "0x10000000000000000"}], "gas"),
        ("eth_getStorageAt", [address, 1e300, "latest"], "slot"),
        ("eth_getLogs", [{"fromBlock": 2**90}], "fromBlock"),
    ]
    for method, params, name in cases:
        error = chain.raw({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).get("error")
        assert error and error["code"] == -32602 and name in error["message"], (method, params, error)


def test_second_node_on_the_same_data_directory_is_refused(chain):
    second = subprocess.run([STRAND, "node", "--config", os.path.join(chain.dir, "node.toml"), "--rpc-port", str(free_port())],
                            capture_output=True, text=True, timeout=30)
    assert second.returncode == 1, second
    assert os.path.join(chain.dir, "data") in second.stderr and f"process {chain.process.pid}" in second.stderr, second.stderr


def test_tx_decode_checks_what_a_chain_checks(chain):
    """Every Cancun case of Ethereum's TransactionTests through `strand tx decode --chain-id 1`:
    valid ones print their hash and sender and exit 0, invalid ones exit 1 naming a rule."""
    root = os.path.join(os.path.dirname(ROOT), "shared", "testvectors", "ethereum", "TransactionTests")
    checked = 0
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(folder, name)) as f:
                for test_name, test in json.load(f).items():
                    cancun = test.get("result", {}).get("Cancun")
                    if cancun is None:
                        continue
                    run = subprocess.run([STRAND, "tx", "decode", "--chain-id", "1", test["txbytes"]],
                                         capture_output=True, text=True, timeout=30)
                    if "exception" in cancun:
                        assert run.returncode == 1 and "error:" in run.stderr, (test_name, cancun, run)
                    else:
                        assert run.returncode == 0, (test_name, run.stderr)
                        decoded = json.loads(run.stdout)
                        assert decoded["hash"] == cancun["hash"], test_name
                        assert decoded["sender"].lower() == cancun["sender"].lower(), test_name
                    checked += 1
    assert checked >= 90, checked
    # Without --chain-id only the chain's own id goes unchecked; chain id 0 never passes.
    a = chain.accounts[0]
    base = {"to": a.address, "value": 1, "gas": 21000, "gasPrice": 0, "nonce": 0, "chainId": 7}
    ok = subprocess.run([STRAND, "tx", "decode", "0x" + a.sign_transaction(base).raw_transaction.hex()], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    wrong = subprocess.run([STRAND, "tx", "decode", "--chain-id", "8", "0x" + a.sign_transaction(base).raw_transaction.hex()],
                           capture_output=True, text=True)
    assert wrong.returncode == 1 and "chain id 7" in wrong.stderr and '"nonce"' in wrong.stdout, wrong
    low = subprocess.run([STRAND, "tx", "decode", "0x" + a.sign_transaction({**base, "gas": 20000}).raw_transaction.hex()],
                         capture_output=True, text=True)
    assert low.returncode == 1 and "intrinsic gas" in low.stderr, low
    high_nonce = subprocess.run([STRAND, "tx", "decode", "0x" + a.sign_transaction({**base, "nonce": 2**64 - 1}).raw_transaction.hex()],
                                capture_output=True, text=True)
    assert high_nonce.returncode == 1 and "nonce" in high_nonce.stderr, high_nonce
    tip = {"to": a.address, "value": 1, "gas": 21000, "maxFeePerGas": 1, "maxPriorityFeePerGas": 2, "nonce": 0, "chainId": 7}
    tipped = subprocess.run([STRAND, "tx", "decode", "0x" + a.sign_transaction(tip).raw_transaction.hex()], capture_output=True, text=True)
    assert tipped.returncode == 1 and "priority fee" in tipped.stderr, tipped


def test_metrics(chain):
    with urllib.request.urlopen(chain.url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    import re
    assert re.search(r"^strand_block_height [1-9]", text, re.M), text
    assert re.search(r'^strand_transactions_rejected_total\{reason="wrong_chain"\} [1-9]', text, re.M), text
    assert re.search(r"^strand_transactions_committed_total [1-9]", text, re.M), text


def main():
    return run_tests([test_chain_identity, test_legacy_transfer, test_eip1559_transfer_with_web3_fees,
                      test_parallel_transfer_calls, test_bad_transactions_are_rejected,
                      test_bad_requests_get_standard_errors, test_fuzzed_input_changes_nothing,
                      test_out_of_range_numbers_name_the_parameter, test_second_node_on_the_same_data_directory_is_refused,
                      test_tx_decode_checks_what_a_chain_checks, test_metrics])


if __name__ == "__main__":
    sys.exit(main())
