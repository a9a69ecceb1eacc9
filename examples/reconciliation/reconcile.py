"""Inter-bank reconciliation (对账) on Strand: each bank posts its side of each flow as it happens;
the contract matches the two sides within the block and says Matched or Mismatched (with the
reason); each bank hears of its flows by push over the node's WebSocket; a day's summary per bank
is a call away.

  python reconcile.py deploy  --rpc URL --key KEY                 prints the contract's address
  python reconcile.py post    --rpc URL --key KEY --contract C FLOWS.json
  python reconcile.py watch   --rpc URL --contract C --bank ADDRESS   prints each verdict on its flows
  python reconcile.py summary --rpc URL --contract C --bank ADDRESS --date YYYYMMDD

FLOWS.json is a list of {"serial", "counterparty", "direction": "debit"|"credit", "amount",
"currency", "valueDate", "record"} — `record` is the desensitised record, of which only a hash
goes on chain.
"""
import argparse
import asyncio
import hashlib
import json
import os
import sys

import vyper
from eth_account import Account
from web3 import Web3

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import cns  # noqa: E402  (examples/cns.py)


def contract_interface():
    out = vyper.compile_code(open(os.path.join(HERE, "Reconciliation.vy")).read(), output_formats=["abi", "bytecode"])
    return out["abi"], out["bytecode"]


def serial_id(serial):
    return Web3.keccak(text=serial)


class Bank:
    def __init__(self, rpc, key=None, contract=None):
        self.rpc = rpc
        self.w3 = Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": 60}))
        self.account = Account.from_key(open(key).read().strip()) if isinstance(key, str) else key
        self.abi, self.bytecode = contract_interface()
        self.contract = self.w3.eth.contract(address=contract, abi=self.abi) if contract else None

    def _signed(self, nonce, call=None, **extra):
        tx = (call.build_transaction if call else lambda x: x)(
            {"from": self.account.address, "nonce": nonce, "chainId": self.w3.eth.chain_id, "gasPrice": 0, "gas": 500_000, **extra})
        return self.account.sign_transaction(tx).raw_transaction

    def deploy(self):
        raw = self._signed(self.w3.eth.get_transaction_count(self.account.address, "pending"), data=self.bytecode, gas=3_000_000)
        receipt = self.w3.eth.wait_for_transaction_receipt(self.w3.eth.send_raw_transaction(raw), timeout=60)
        self.contract = self.w3.eth.contract(address=receipt.contractAddress, abi=self.abi)
        # Named in CNS (one version per deployment): found by name, and decoded by every node's browser.
        cns.register(self.w3, self.account, "Reconciliation", receipt.contractAddress[2:], receipt.contractAddress, self.abi)
        return receipt.contractAddress

    def post(self, flows):
        """Posts every flow, signing them in nonce order and sending them without waiting; returns
        the receipts, each of which must succeed."""
        nonce = self.w3.eth.get_transaction_count(self.account.address, "pending")
        hashes = []
        for i, flow in enumerate(flows):
            call = self.contract.functions.post(
                serial_id(flow["serial"]), Web3.to_checksum_address(flow["counterparty"]), flow["direction"] == "credit",
                int(flow["amount"]), flow["currency"], int(flow["valueDate"]), hashlib.sha256(flow["record"].encode()).digest())
            hashes.append(self.w3.eth.send_raw_transaction(self._signed(nonce + i, call)))
        receipts = [self.w3.eth.wait_for_transaction_receipt(h, timeout=120, poll_latency=0.2) for h in hashes]
        failed = [r.transactionHash.hex() for r in receipts if r.status != 1]
        if failed:
            raise RuntimeError(f"{len(failed)} posts failed, e.g. {failed[0]}")
        return receipts

    def summary(self, bank, value_date):
        posted, debits, credits, matched, mismatched, unmatched = self.contract.functions.summary(bank, value_date).call()
        return {"posted": posted, "debits": debits, "credits": credits, "matched": matched, "mismatched": mismatched,
                "unmatched": unmatched}

    async def watch(self, bank, on_verdict, ready=None):
        """Pushes of Matched and Mismatched naming `bank` (a logs subscription over WebSocket);
        `on_verdict(serial, verdict, reason)` returns True to stop."""
        import websockets
        matched = "0x" + Web3.keccak(text="Matched(bytes32,address,address)").hex().removeprefix("0x")
        mismatched = "0x" + Web3.keccak(text="Mismatched(bytes32,address,address,string)").hex().removeprefix("0x")
        event = self.contract.events.Mismatched()
        mine = "0x" + "00" * 12 + bank[2:].lower()
        async with websockets.connect(self.rpc.replace("http://", "ws://"), max_size=None) as ws:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                                      "params": ["logs", {"address": self.contract.address, "topics": [[matched, mismatched]]}]}))
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == 1:
                    if ready:
                        ready.set()
                    continue
                log = message["params"]["result"]
                if mine not in [t.lower() for t in log["topics"][2:]]:
                    continue
                verdict = "Matched" if log["topics"][0] == matched else "Mismatched"
                reason = ""
                if verdict == "Mismatched":
                    reason = event.process_log({**log, "topics": [bytes.fromhex(t[2:]) for t in log["topics"]],
                                                "data": bytes.fromhex(log["data"][2:]), "logIndex": int(log["logIndex"], 16),
                                                "transactionIndex": int(log["transactionIndex"], 16),
                                                "blockNumber": int(log["blockNumber"], 16)})["args"]["reason"]
                if on_verdict(log["topics"][1], verdict, reason):
                    return


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["deploy", "post", "watch", "summary"])
    parser.add_argument("flows", nargs="?")
    parser.add_argument("--rpc", default="http://127.0.0.1:8545")
    parser.add_argument("--key")
    parser.add_argument("--contract")
    parser.add_argument("--bank")
    parser.add_argument("--date", type=int)
    args = parser.parse_args(argv)
    bank = Bank(args.rpc, args.key, args.contract)
    if args.command == "deploy":
        print(bank.deploy())
    elif args.command == "post":
        print(len(bank.post(json.load(open(args.flows)))), "posted")
    elif args.command == "watch":
        asyncio.run(bank.watch(Web3.to_checksum_address(args.bank), lambda serial, verdict, reason: print(serial, verdict, reason) and False))
    else:
        print(json.dumps(bank.summary(Web3.to_checksum_address(args.bank), args.date), indent=2))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
