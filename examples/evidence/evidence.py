"""Evidence preservation between institutions (仲裁链) on Strand: a bank records the hash of an
evidence file and countersigns it, tells the other institutions over AMOP, each countersigns
through its own node, and an arbitrator later checks a file against the record.

  python evidence.py deploy      --rpc URL --key KEY                      prints the contract's address
  python evidence.py record      --rpc URL --key KEY --contract C FILE --signers A,B,C [--notify]
  python evidence.py countersign --rpc URL --key KEY --contract C HASH
  python evidence.py listen      --rpc URL --key KEY --contract C          countersigns what it is told of
  python evidence.py check       --rpc URL --contract C FILE

KEY is a file holding a private key in hex (`strand keygen` writes one). --notify and listen need
the node's channel port (its AMOP router) and speak AMOP over the RPC port's WebSocket.
"""
import argparse
import asyncio
import hashlib
import json
import os
import sys

import vyper
from eth_account import Account
from eth_keys import keys
from web3 import Web3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import cns  # noqa: E402  (examples/cns.py)
TOPIC = "evidence"


def contract_interface():
    out = vyper.compile_code(open(os.path.join(HERE, "Evidence.vy")).read(), output_formats=["abi", "bytecode"])
    return out["abi"], out["bytecode"]


def load_key(path):
    with open(path) as f:
        return Account.from_key(f.read().strip())


def file_hash(path):
    """The evidence's fingerprint: SHA-256 of the file (the file itself never goes on chain)."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).digest()


class Institution:
    """One institution's view: its node, its key, the contract."""

    def __init__(self, rpc, key=None, contract=None):
        self.rpc = rpc
        self.w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": 30}))
        self.account = load_key(key) if isinstance(key, str) else key
        abi, self.bytecode = contract_interface()
        self.contract = self.w3.eth.contract(address=contract, abi=abi) if contract else None
        self.abi = abi

    def send(self, call=None, **extra):
        tx = (call.build_transaction if call else lambda x: x)(
            {"from": self.account.address, "nonce": self.w3.eth.get_transaction_count(self.account.address, "pending"),
             "chainId": self.w3.eth.chain_id, "gasPrice": 0, "gas": 3_000_000, **extra})
        signed = self.account.sign_transaction(tx)
        receipt = self.w3.eth.wait_for_transaction_receipt(self.w3.eth.send_raw_transaction(signed.raw_transaction), timeout=60)
        if receipt.status != 1:
            raise RuntimeError(f"transaction {receipt.transactionHash.hex()} failed")
        return receipt

    def deploy(self):
        receipt = self.send(data=self.bytecode)
        self.contract = self.w3.eth.contract(address=receipt.contractAddress, abi=self.abi)
        # Named in CNS (one version per deployment): found by name, and decoded by every node's browser.
        cns.register(self.w3, self.account, "Evidence", receipt.contractAddress[2:], receipt.contractAddress, self.abi)
        return receipt.contractAddress

    def countersign(self, evidence):
        """Signs keccak256("strand-evidence:" ‖ hash) with this institution's key and submits it."""
        digest = self.contract.functions.digest(evidence).call()
        signature = keys.PrivateKey(bytes(self.account.key)).sign_msg_hash(digest)
        return self.send(self.contract.functions.countersign(evidence, signature.v + 27, signature.r.to_bytes(32, "big"),
                                                             signature.s.to_bytes(32, "big")))

    def record(self, evidence, signers):
        self.send(self.contract.functions.create(evidence, signers))
        if self.account.address in signers:
            self.countersign(evidence)

    def check(self, path):
        """Whether the file is the recorded evidence and every required institution countersigned it."""
        evidence = file_hash(path)
        creator, created, required = self.contract.functions.record(evidence).call()
        complete = self.contract.functions.complete(evidence).call()
        return {"evidence": "0x" + evidence.hex(), "recorded": creator != "0x" + "00" * 20, "creator": creator,
                "block": created, "required": required, "countersigned": complete}

    @property
    def ws(self):
        return self.rpc.replace("http://", "ws://").replace("https://", "wss://")

    async def notify(self, evidence):
        """Tells every institution subscribed to the topic, wherever their node is (AMOP multicast)."""
        import websockets
        async with websockets.connect(self.ws) as ws:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "amop_publish",
                                      "params": [TOPIC, "0x" + evidence.hex(), True]}))
            answer = json.loads(await ws.recv())
            if answer.get("result", {}).get("result") != 0:
                raise RuntimeError(f"AMOP notice not sent: {answer}")

    async def listen(self, ready=None, stop_after=None):
        """Countersigns each evidence it is told of; `ready` is set once subscribed."""
        import websockets
        handled = 0
        async with websockets.connect(self.ws) as ws:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "amop_subscribe", "params": [[TOPIC]]}))
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == 1:
                    if ready:
                        ready.set()
                    continue
                if message.get("method") != "amop_message":
                    continue
                evidence = bytes.fromhex(message["params"]["data"][2:])
                receipt = await asyncio.to_thread(self.countersign, evidence)
                print(f"countersigned 0x{evidence.hex()} in block {receipt.blockNumber}", flush=True)
                handled += 1
                if stop_after and handled >= stop_after:
                    return


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["deploy", "record", "countersign", "listen", "check"])
    parser.add_argument("target", nargs="?", help="the evidence file (record, check) or its hash (countersign)")
    parser.add_argument("--rpc", default="http://127.0.0.1:8545")
    parser.add_argument("--key")
    parser.add_argument("--contract")
    parser.add_argument("--signers", default="", help="comma-separated addresses that must countersign")
    parser.add_argument("--notify", action="store_true", help="tell the other institutions over AMOP")
    args = parser.parse_args(argv)
    me = Institution(args.rpc, args.key, args.contract)
    if args.command == "deploy":
        print(me.deploy())
    elif args.command == "record":
        evidence = file_hash(args.target)
        me.record(evidence, [Web3.to_checksum_address(a) for a in args.signers.split(",") if a])
        if args.notify:
            asyncio.run(me.notify(evidence))
        print("0x" + evidence.hex())
    elif args.command == "countersign":
        print(me.countersign(bytes.fromhex(args.target.removeprefix("0x"))).blockNumber)
    elif args.command == "listen":
        asyncio.run(me.listen())
    else:
        print(json.dumps(me.check(args.target), indent=2))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
