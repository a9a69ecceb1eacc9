"""One node on a fresh chain, reached with web3.py (the tests that need Ethereum's clients):
the chain, sending and waiting for receipts, ABI selectors, and the runner that ends each suite
by stopping the node with SIGTERM and verifying its ledger."""
import json
import os
import signal
import subprocess
import tempfile
import time
import traceback
import urllib.request

from eth_abi import encode
from eth_account import Account
from web3 import Web3

from harness import STRAND, free_port

PARALLEL_TRANSFER = Web3.to_checksum_address("0x0000000000000000000000000000000000005002")
CHAIN_ID = 20200


def selector(signature):
    return Web3.keccak(text=signature)[:4]


def call_data(signature, types, values):
    return selector(signature) + encode(types, values)


class Chain:
    def __init__(self, init_args=()):
        self.dir = tempfile.mkdtemp(prefix="strand-e2e-")
        self.port = free_port()
        # FISCO's channel port too: its TLS files are in self.dir/sdk.
        self.channel_port = free_port()
        subprocess.run([STRAND, "chain", "init", "--dir", self.dir, "--accounts", "3", "--rpc-port", str(self.port),
                        "--channel-port", str(self.channel_port), *init_args], check=True, capture_output=True)
        with open(os.path.join(self.dir, "accounts.json")) as f:
            self.accounts = [Account.from_key(a["privateKey"]) for a in json.load(f)]
        self.log = open(os.path.join(self.dir, "node.log"), "w")
        self.process = subprocess.Popen([STRAND, "node", "--config", os.path.join(self.dir, "node.toml")],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.raw({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("node did not start; see " + self.log.name)
        self.w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 30}))

    def raw(self, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(self.url, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def send(chain, account, tx):
    signed = account.sign_transaction(tx)
    tx_hash = chain.w3.eth.send_raw_transaction(signed.raw_transaction)
    return chain.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.1)


def run_tests(tests, verify_ledger=True, init_args=()):
    """Runs `tests` against one fresh chain, then stops the node with SIGTERM (it must exit 0)
    and, if asked, verifies its ledger. Prints one line per check and `N passed, N failed`;
    returns the exit code. `init_args` go to `strand chain init`."""
    chain = Chain(init_args)
    passed = failed = 0
    try:
        for test in tests:
            try:
                test(chain)
                passed += 1
                print(f"ok   {test.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc()
    finally:
        code = chain.stop()
        if code != 0:
            failed += 1
            print(f"FAIL node exited with {code} on SIGTERM; log: {chain.log.name}")
        else:
            passed += 1
            print("ok   node stops cleanly on SIGTERM")
        if verify_ledger:
            verify = subprocess.run([STRAND, "ledger", "verify", "--data", os.path.join(chain.dir, "data")],
                                    capture_output=True, text=True)
            if verify.returncode == 0:
                passed += 1
                print("ok   ledger verifies after the run: " + verify.stdout.strip())
            else:
                failed += 1
                print("FAIL ledger verify: " + verify.stdout + verify.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
